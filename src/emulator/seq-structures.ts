/**
 * Sequence-number structures for a queue. Service Bus hands messages out in sequence order, and a message that
 * comes back (abandoned, lock expired) is again the oldest. New messages arrive in increasing order, so they go
 * to a plain FIFO; returned ones go to a min-heap; the next message is the smaller of the two heads.
 */
export class ReadyQueue {
  private fifo: number[] = [];
  private head = 0;
  private heap: number[] = [];
  private lastFresh = -1;

  get length(): number {
    return this.fifo.length - this.head + this.heap.length;
  }

  push(seq: number): void {
    if (seq > this.lastFresh) {
      this.fifo.push(seq);
      this.lastFresh = seq;
    } else {
      heapPush(this.heap, seq);
    }
  }

  /** The smallest sequence number, removed; undefined when empty. */
  shift(): number | undefined {
    const fromFifo = this.head < this.fifo.length ? this.fifo[this.head]! : undefined;
    const fromHeap = this.heap.length > 0 ? this.heap[0]! : undefined;
    if (fromHeap !== undefined && (fromFifo === undefined || fromHeap < fromFifo)) return heapPop(this.heap);
    if (fromFifo === undefined) return undefined;
    this.head += 1;
    // Compact now and then so a long-lived queue does not keep every number it ever held.
    if (this.head > 4096 && this.head * 2 > this.fifo.length) {
      this.fifo = this.fifo.slice(this.head);
      this.head = 0;
    }
    return fromFifo;
  }
}

function heapPush(heap: number[], value: number): void {
  heap.push(value);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]! <= value) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = value;
}

function heapPop(heap: number[]): number | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length === 0 || last === undefined) return top;
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= heap.length) break;
    const right = left + 1;
    const child = right < heap.length && heap[right]! < heap[left]! ? right : left;
    if (heap[child]! >= last) break;
    heap[i] = heap[child]!;
    i = child;
  }
  heap[i] = last;
  return top;
}

/**
 * Every sequence number a queue holds, sorted, for peeking from a given number. Removal is lazy (the caller
 * checks its map); the array is rebuilt when most of it is stale.
 */
export class SequenceIndex {
  private seqs: number[] = [];
  private stale = 0;

  add(seq: number): void {
    const last = this.seqs[this.seqs.length - 1];
    if (last === undefined || seq > last) {
      this.seqs.push(seq);
      return;
    }
    const at = this.lowerBound(seq);
    if (this.seqs[at] !== seq) this.seqs.splice(at, 0, seq);
  }

  /** Marks one number removed; `alive` tells which numbers are still held when compacting. */
  removed(alive: (seq: number) => boolean): void {
    this.stale += 1;
    if (this.stale > 1024 && this.stale * 2 > this.seqs.length) {
      this.seqs = this.seqs.filter(alive);
      this.stale = 0;
    }
  }

  /** Numbers from `from` upwards, in order (may include removed ones). */
  *from(from: number): Generator<number> {
    for (let i = this.lowerBound(from); i < this.seqs.length; i++) yield this.seqs[i]!;
  }

  private lowerBound(seq: number): number {
    let lo = 0;
    let hi = this.seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.seqs[mid]! < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
