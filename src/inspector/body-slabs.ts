/** Bodies up to this size share slabs; a larger one gets a buffer of its own (a slab could grow to hundreds of MB). */
const SMALL = 4096;
const MIN_SLAB = 64 * 1024;

/**
 * The bodies of the last `size` live deliveries, copied into slabs: big buffers, reused round and round, so that
 * keeping a body allocates nothing. A buffer per body (even a slice of node's shared pool) is an object the
 * garbage collector must copy twice and then promote, and bodies kept alive cost the listener about 3% of its
 * throughput with the inspector on.
 * A slab stays at least twice the size of the bodies it holds, so that writing round it never reaches a body
 * still kept (a skip at the end of the slab is smaller than one body); when the bodies outgrow that, or shrink to
 * far less, the next bodies go to a fresh slab, and the old one lives on as long as a delivery still points into it.
 */
export class BodySlabs {
  /** The slab bodies are written to now. */
  current: Buffer = Buffer.allocUnsafeSlow(MIN_SLAB);
  private at = 0;
  /** By ring slot (arrival number modulo size): the bytes its body took in a slab (0 when it has a buffer of its own). */
  private readonly lengths: Int32Array;
  private sum = 0;

  constructor(private readonly size: number) {
    this.lengths = new Int32Array(size);
  }

  /**
   * Copies the body of delivery `order` into `current` (which it may replace first) and returns where it starts,
   * or -1 for a body too large to share a slab.
   */
  put(order: number, body: Buffer): number {
    const slot = order % this.size;
    const n = body.length <= SMALL ? body.length : 0;
    this.sum += n - this.lengths[slot]!;
    this.lengths[slot] = n;
    if (body.length > SMALL) return -1;
    const capacity = this.current.length;
    if (2 * this.sum > capacity || (capacity > MIN_SLAB && 8 * this.sum < capacity)) {
      this.current = Buffer.allocUnsafeSlow(Math.max(MIN_SLAB, 4 * this.sum));
      this.at = 0;
    }
    if (this.at + n > this.current.length) this.at = 0;
    body.copy(this.current, this.at);
    const start = this.at;
    this.at += n;
    return start;
  }

  clear(): void {
    this.lengths.fill(0);
    this.sum = 0;
  }
}
