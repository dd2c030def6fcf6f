import { crc32 } from 'node:zlib';
import { storedMessage, type StoredMessage } from './message.js';

/**
 * The data log's record format: `[u32 length][u32 crc32][body]`, body = `[u8 type][u16 path length][path]…`.
 * A record cut short by a crash fails its length or checksum and ends the replay there.
 */

const PUT = 1;
const REMOVE = 2;
const UPDATE = 3;
const SESSION_STATE = 4;
const STATES = ['active', 'deferred', 'scheduled'] as const;

export type LogRecord =
  | { type: 'put'; path: string; msg: StoredMessage }
  | { type: 'remove'; path: string; seq: number }
  | { type: 'update'; path: string; seq: number; state: StoredMessage['state']; deliveries: number }
  | { type: 'session-state'; path: string; sessionId: string; state: Buffer | undefined };

class Out {
  private parts: Buffer[] = [];
  u8(v: number): this {
    this.parts.push(Buffer.from([v]));
    return this;
  }
  u32(v: number): this {
    const b = Buffer.allocUnsafe(4);
    b.writeUInt32BE(v >>> 0);
    this.parts.push(b);
    return this;
  }
  f64(v: number): this {
    const b = Buffer.allocUnsafe(8);
    b.writeDoubleBE(v);
    this.parts.push(b);
    return this;
  }
  bytes(v: Buffer): this {
    this.u32(v.length);
    this.parts.push(v);
    return this;
  }
  head(type: number, path: string): this {
    const p = Buffer.from(path, 'utf8');
    this.u8(type);
    const len = Buffer.allocUnsafe(2);
    len.writeUInt16BE(p.length);
    this.parts.push(len, p);
    return this;
  }
  frame(): Buffer {
    const body = Buffer.concat(this.parts);
    const head = Buffer.allocUnsafe(8);
    head.writeUInt32BE(body.length, 0);
    head.writeUInt32BE(crc32(body), 4);
    return Buffer.concat([head, body]);
  }
}

export function encodePut(path: string, m: StoredMessage): Buffer {
  const out = new Out()
    .head(PUT, path)
    .f64(m.seq)
    .f64(m.enqueuedAt)
    .f64(m.expiresAt)
    .f64(m.scheduledAt ?? Number.NaN)
    .f64(m.ttl ?? Number.NaN)
    .u32(m.deliveries)
    .u8(STATES.indexOf(m.state))
    .u8(m.durable ? 1 : 0)
    .u8(m.priority)
    .u32(m.annotations.length);
  for (const a of m.annotations) out.bytes(a);
  return out.bytes(m.bare).frame();
}

export function encodeRemove(path: string, seq: number): Buffer {
  return new Out().head(REMOVE, path).f64(seq).frame();
}

export function encodeUpdate(path: string, m: StoredMessage): Buffer {
  return new Out().head(UPDATE, path).f64(m.seq).u8(STATES.indexOf(m.state)).u32(m.deliveries).frame();
}

/** A session's state; the record has no sequence number (0 stands in its place). */
export function encodeSessionState(path: string, sessionId: string, state: Buffer | undefined): Buffer {
  return new Out()
    .head(SESSION_STATE, path)
    .f64(0)
    .bytes(Buffer.from(sessionId, 'utf8'))
    .u8(state === undefined ? 0 : 1)
    .bytes(state ?? Buffer.alloc(0))
    .frame();
}

/** Reads records (each with its raw frame) from a log; stops at the first incomplete or corrupt one. */
export function readRecords(buf: Buffer): { records: Array<LogRecord & { raw: Buffer }>; validLength: number } {
  const records: Array<LogRecord & { raw: Buffer }> = [];
  let pos = 0;
  while (pos + 8 <= buf.length) {
    const len = buf.readUInt32BE(pos);
    if (pos + 8 + len > buf.length) break;
    const body = buf.subarray(pos + 8, pos + 8 + len);
    if (crc32(body) !== buf.readUInt32BE(pos + 4)) break;
    try {
      records.push({ ...decode(body), raw: buf.subarray(pos, pos + 8 + len) });
    } catch {
      break;
    }
    pos += 8 + len;
  }
  return { records, validLength: pos };
}

function decode(body: Buffer): LogRecord {
  let at = 0;
  const u8 = () => body[at++]!;
  const u32 = () => ((at += 4), body.readUInt32BE(at - 4));
  const f64 = () => ((at += 8), body.readDoubleBE(at - 8));
  const bytes = () => {
    const n = u32();
    at += n;
    if (at > body.length) throw new RangeError('truncated');
    return Buffer.from(body.subarray(at - n, at));
  };
  const type = u8();
  const pathLen = body.readUInt16BE(at);
  at += 2;
  const path = body.toString('utf8', at, at + pathLen);
  at += pathLen;
  const seq = f64();
  if (type === REMOVE) return { type: 'remove', path, seq };
  if (type === SESSION_STATE) {
    const sessionId = bytes().toString('utf8');
    const has = u8() === 1;
    const state = bytes();
    return { type: 'session-state', path, sessionId, state: has ? state : undefined };
  }
  if (type === UPDATE) return { type: 'update', path, seq, state: STATES[u8()] ?? 'active', deliveries: u32() };
  if (type !== PUT) throw new RangeError(`unknown record type ${type}`);
  const enqueuedAt = f64();
  const expiresAt = f64();
  const scheduledAt = f64();
  const ttl = f64();
  const deliveries = u32();
  const state = STATES[u8()] ?? 'active';
  const durable = u8() === 1;
  const priority = u8();
  const annotations = Array.from({ length: u32() }, bytes);
  const bare = bytes();
  const msg = storedMessage({
    bare,
    annotations,
    durable,
    priority,
    ttl: Number.isNaN(ttl) ? undefined : ttl,
    scheduledAt: Number.isNaN(scheduledAt) ? undefined : scheduledAt,
    seq,
    enqueuedAt,
    expiresAt,
    state,
    deliveries,
  });
  return { type: 'put', path, msg };
}
