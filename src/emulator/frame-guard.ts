/**
 * Checks the frame headers of a client's byte stream before rhea parses it. rhea trusts them: a declared size of
 * 4 GiB makes it buffer until that much arrived, a size under 8 makes it loop on garbage, and a frame body that is
 * not a performative it knows throws from deep inside. The guard finds where the first bad frame starts, so that
 * everything before it still takes effect and the connection is then closed with an AMQP error.
 */

/** The largest frame the emulator accepts (its open frame says so; rhea clients split transfers to fit). */
export const MAX_FRAME_SIZE = 256 * 1024;

/** Performative descriptor codes by frame type: AMQP open..close (0x10-0x18), SASL mechanisms..outcome (0x40-0x44). */
const PERFORMATIVES: Record<number, [number, number]> = { 0: [0x10, 0x18], 1: [0x40, 0x44] };

/** The first bad frame of a chunk: the bytes before `at` are sound; `condition` and `description` say what is wrong. */
export interface FrameProblem {
  at: number;
  condition: string;
  description: string;
}

const FRAMING = 'amqp:connection:framing-error';
/** Enough of a frame to check its header and performative descriptor (0x00 0x53 code, after an 8-byte header). */
const HEAD = 11;

export class FrameGuard {
  /** The first bytes of the unit (protocol header or frame) being read. */
  private readonly head = Buffer.alloc(HEAD);
  private headLength = 0;
  /** Bytes of the current unit still to come after its head. */
  private skip = 0;
  private failed = false;

  constructor(private readonly maxFrameSize = MAX_FRAME_SIZE) {}

  /** Scans the next chunk of the stream; returns the first problem in it, if any (later chunks are then refused too). */
  scan(chunk: Buffer): FrameProblem | undefined {
    if (this.failed) return { at: 0, condition: FRAMING, description: 'data after a framing error' };
    let i = 0;
    let unitStart = -this.headLength;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        if (this.skip === 0) unitStart = i;
        continue;
      }
      const wanted = this.wanted();
      const n = Math.min(wanted - this.headLength, chunk.length - i);
      chunk.copy(this.head, this.headLength, i, i + n);
      this.headLength += n;
      i += n;
      // The first 8 bytes tell whether more of the head is needed (the performative descriptor).
      if (this.headLength < this.wanted()) continue;
      const problem = this.check();
      if (problem) {
        this.failed = true;
        return { at: Math.max(0, unitStart), ...problem };
      }
      this.headLength = 0;
      unitStart = i;
    }
    return undefined;
  }

  /** How many head bytes the current unit needs before it can be checked. */
  private wanted(): number {
    if (this.headLength < 8 || this.isProtocolHeader() || this.headerProblem()) return 8;
    return this.head[4] === 2 ? Math.min(HEAD, this.head.readUInt32BE(0)) : 8;
  }

  private isProtocolHeader(): boolean {
    return this.head.toString('latin1', 0, 4) === 'AMQP';
  }

  /** What is wrong with the 8-byte frame header, if anything. */
  private headerProblem(): Omit<FrameProblem, 'at'> | undefined {
    const size = this.head.readUInt32BE(0);
    const doff = this.head[4]!;
    if (size > this.maxFrameSize) {
      return { condition: FRAMING, description: `a frame of ${size} bytes is over the maximum frame size of ${this.maxFrameSize}` };
    }
    if (size < 8 || doff < 2 || doff * 4 > size) {
      return { condition: FRAMING, description: `malformed frame header (size ${size}, data offset ${doff})` };
    }
    if (!PERFORMATIVES[this.head[5]!]) return { condition: FRAMING, description: `unknown frame type ${this.head[5]}` };
    return undefined;
  }

  /** Checks a complete head; sets `skip` to the rest of the unit when it is sound. */
  private check(): Omit<FrameProblem, 'at'> | undefined {
    if (this.isProtocolHeader()) return undefined;
    const size = this.head.readUInt32BE(0);
    // An empty frame (a heartbeat) has no body; a frame with an extended header is left to rhea.
    const problem = this.headerProblem() ?? (size > 8 && this.head[4] === 2 ? this.checkPerformative(size, PERFORMATIVES[this.head[5]!]!) : undefined);
    if (problem) return problem;
    this.skip = size - this.headLength;
    return undefined;
  }

  private checkPerformative(size: number, [low, high]: [number, number]): Omit<FrameProblem, 'at'> | undefined {
    if (size < HEAD || this.head[8] !== 0x00) {
      return { condition: 'amqp:decode-error', description: 'the frame body is not a described performative' };
    }
    // 0x53 is a small-ulong descriptor, the form every client uses; other forms are checked by rhea.
    if (this.head[9] !== 0x53) return undefined;
    const code = this.head[10]!;
    if (code < low || code > high) {
      return { condition: 'amqp:not-implemented', description: `unknown performative 0x${code.toString(16).padStart(2, '0')}` };
    }
    return undefined;
  }
}
