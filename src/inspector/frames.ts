import { bodyBytes, verdictOf, type Delivery } from './delivery.js';

const bytes = (s: string) => Buffer.from(s, 'latin1');
// The constant stretches between a summary's values, joined where a value comes from a small set (fewer copies).
const K = {
  id: bytes('{"id":'),
  source: { live: bytes(',"source":"live","receivedAt":'), record: bytes(',"source":"record","receivedAt":') },
  method: bytes(',"method":'), path: bytes(',"path":'), bytes: bytes(',"bytes":'), provider: bytes(',"provider":'),
  type: bytes(',"type":'), eventId: bytes(',"eventId":'),
  verdict: {
    verified: bytes(',"verdict":"verified","reason":'), failed: bytes(',"verdict":"failed","reason":'),
    unchecked: bytes(',"verdict":"unchecked","reason":'),
  },
  answer: bytes(',"answer":'),
  /** By duplicate * 2 + skipped. */
  flags: [false, true].flatMap((dup) => [false, true].map((skip) => bytes(`,"duplicate":${dup},"skipped":${skip},"recorded":`))),
  noForward: bytes(',"forward":null,"attempts":'), forward: bytes(',"forward":{"status":'), ok: bytes(',"ok":'),
  latencyMs: bytes(',"latencyMs":'), target: bytes(',"target":'), attempts: bytes('},"attempts":'),
};
/** Up to this many bytes a loop copies faster than TypedArray#set. */
const SHORT = 16;
const NULL = bytes('null');
const TRUE = bytes('true');
const FALSE = bytes('false');

/**
 * The event stream's output for one flush, written byte by byte into one buffer. The stream sends a summary for every
 * request the listener answers; building each as a string (dozens of concatenations, then flattened and encoded)
 * made garbage that ran the young-generation GC more often, and every GC copies the deliveries the inspector keeps.
 * Here a summary costs no allocation: constant parts are copied, plain ASCII strings are written a byte at a time,
 * and only a string that needs escaping or is not ASCII goes through JSON.stringify.
 */
export class FrameWriter {
  private buf: Buffer;
  private at = 0;

  constructor(sizeGuess: number) {
    this.buf = Buffer.allocUnsafe(sizeGuess);
  }

  /** What was written; the writer is not used after this. */
  done(): Buffer {
    return this.buf.subarray(0, this.at);
  }

  get length(): number {
    return this.at;
  }

  /** Constant bytes (a key, a literal): a loop for a few, TypedArray#set (a memcpy with a fixed cost) for more. */
  raw(b: Uint8Array): void {
    this.room(b.length);
    if (b.length > SHORT) {
      this.buf.set(b, this.at);
      this.at += b.length;
      return;
    }
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < b.length; i++) buf[at++] = b[i]!;
    this.at = at;
  }

  /** Text that is ASCII by construction (an SSE field name, a number already formatted). */
  ascii(s: string): void {
    this.room(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.at++] = s.charCodeAt(i);
  }

  /** Any text, as UTF-8 (a JSON fragment from JSON.stringify). */
  text(s: string): void {
    this.room(s.length * 3);
    this.at += this.buf.write(s, this.at);
  }

  /** A JSON string, exactly as JSON.stringify writes it. */
  str(s: string | null): void {
    if (s === null) return this.raw(NULL);
    this.room(s.length + 2);
    const buf = this.buf;
    const start = this.at;
    let at = start;
    buf[at++] = 0x22;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
        this.at = start;
        return this.text(JSON.stringify(s));
      }
      buf[at++] = c;
    }
    buf[at++] = 0x22;
    this.at = at;
  }

  /** A JSON number (null for none, as JSON.stringify writes NaN and Infinity too). */
  num(n: number | null): void {
    if (n === null || !Number.isFinite(n)) return this.raw(NULL);
    if (!Number.isSafeInteger(n) || n < 0) return this.ascii(String(n));
    this.room(16);
    if (n === 0) {
      this.buf[this.at++] = 0x30;
      return;
    }
    let digits = 0;
    for (let m = n; m > 0; m = Math.floor(m / 10)) digits++;
    for (let i = this.at + digits - 1, m = n; m > 0; i--, m = Math.floor(m / 10)) this.buf[i] = 0x30 + (m % 10);
    this.at += digits;
  }

  bool(b: boolean): void {
    this.raw(b ? TRUE : FALSE);
  }

  /** JSON.stringify(summarise(d)), written out (test/unit/inspector/summary.test.ts keeps the two identical). */
  summary(d: Delivery): void {
    const { ev } = d;
    this.raw(K.id);
    this.str(d.id);
    this.raw(K.source[d.source]);
    this.str(ev.receivedAt);
    this.raw(K.method);
    this.str(ev.method);
    this.raw(K.path);
    this.str(ev.path);
    this.raw(K.bytes);
    this.num(bodyBytes(ev));
    this.raw(K.provider);
    this.str(ev.provider);
    this.raw(K.type);
    this.str(ev.type);
    this.raw(K.eventId);
    this.str(ev.id);
    this.raw(K.verdict[verdictOf(d)]);
    this.str(ev.reason);
    this.raw(K.answer);
    this.num(ev.status);
    this.raw(K.flags[(ev.duplicate ? 2 : 0) + (ev.skipped ? 1 : 0)]!);
    this.str(ev.recorded);
    const last = d.attempts.length ? d.attempts[d.attempts.length - 1]! : null;
    if (last) {
      this.raw(K.forward);
      this.num(last.status);
      this.raw(K.ok);
      this.bool(last.ok);
      this.raw(K.latencyMs);
      this.num(last.latencyMs);
      this.raw(K.target);
      this.str(last.target);
      this.raw(K.attempts);
    } else {
      this.raw(K.noForward);
    }
    this.num(d.attempts.length);
    this.ascii('}');
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }
}
