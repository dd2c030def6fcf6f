import { isAscii, isUtf8 } from 'node:buffer';

// Twilio signs the URL followed by every POST parameter as name+value, names sorted. The listener does this for
// every Twilio request, so the usual body (ASCII, as form encoding makes it; each name once, none escaped) takes a
// fast path on the bytes: '&' found with indexOf, the parameters sorted as indexes, values decoded only where they
// hold '%' or '+', and the whole signed text written into one reused buffer for a single HMAC update. Any other
// body takes the general path below; both give the same bytes (test/unit/adapters/webhooks/twilio-form.test.ts).

function decode(part: string): string {
  const text = part.includes('+') ? part.replace(/\+/g, ' ') : part;
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    // A malformed escape: decoded the way URLSearchParams does (left as it is).
    return new URLSearchParams(`v=${part}`).get('v') ?? text;
  }
}

/** A form value: its raw bytes where nothing is escaped, else the decoded text. */
function value(raw: Buffer): string | Buffer {
  return raw.includes(0x25) || raw.includes(0x2b) ? decode(raw.toString('utf8')) : raw;
}

/** Form parameters by name, each name's values in arrival order. */
function formParams(body: Buffer): Map<string, (string | Buffer)[]> {
  const params = new Map<string, (string | Buffer)[]>();
  for (let start = 0; start < body.length; ) {
    let end = body.indexOf(0x26, start);
    if (end < 0) end = body.length;
    if (end > start) {
      const eq = body.indexOf(0x3d, start);
      const split = eq >= 0 && eq < end ? eq : end;
      const raw = body.subarray(start, split);
      const name = raw.includes(0x25) || raw.includes(0x2b) ? decode(raw.toString('utf8')) : raw.toString('utf8');
      const v = split < end ? value(body.subarray(split + 1, end)) : '';
      const values = params.get(name);
      if (values) values.push(v);
      else params.set(name, [v]);
    }
    start = end + 1;
  }
  return params;
}

/** The general path: names sorted; a repeated name's values de-duplicated and sorted, as Twilio's validators do. */
function generalSignedData(url: string, params: Map<string, (string | Buffer)[]>): (string | Buffer)[] {
  const parts: (string | Buffer)[] = [];
  let text = url;
  for (const name of [...params.keys()].sort()) {
    const values = params.get(name)!;
    for (const v of values.length > 1 ? [...new Set(values.map(String))].sort() : values) {
      if (typeof v === 'string') text += name + v;
      else {
        parts.push(text + name, v);
        text = '';
      }
    }
  }
  if (text) parts.push(text);
  return parts;
}

/** Parameters the fast path handles; a longer form takes the general path. */
const MAX_PARAMS = 64;
const nameStart = new Int32Array(MAX_PARAMS);
const nameEnd = new Int32Array(MAX_PARAMS);
const valueEnd = new Int32Array(MAX_PARAMS);
const escaped = new Uint8Array(MAX_PARAMS);
const order = new Int32Array(MAX_PARAMS);
const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) HEX['0123456789abcdef'.charCodeAt(i)] = HEX['0123456789ABCDEF'.charCodeAt(i)] = i;
/** Reused for every request up to this size (grown on demand), so the signed text costs no allocation. */
const SCRATCH_MAX = 64 * 1024;
let scratch: Buffer | undefined;
/** The URL whose bytes start the scratch buffer: a listener signs the same URL again and again. */
let scratchUrl: string | undefined;
let scratchUrlBytes = 0;

/** Byte order of two names; for ASCII it is the order of JavaScript's sort. */
function compareNames(body: Buffer, a: number, b: number): number {
  const aEnd = nameEnd[a]!;
  const bEnd = nameEnd[b]!;
  for (let i = nameStart[a]!, j = nameStart[b]!; i < aEnd && j < bEnd; i++, j++) {
    if (body[i] !== body[j]) return body[i]! - body[j]!;
  }
  return aEnd - nameStart[a]! - (bEnd - nameStart[b]!);
}

/** Copies `[from, to)` of the body into `out` at `at`; the end offset. */
function copyInto(body: Buffer, from: number, to: number, out: Buffer, at: number): number {
  // Buffer#copy costs more to call than a short loop costs to run: most names and values are a few bytes.
  if (to - from > 48) return at + body.copy(out, at, from, to);
  for (let p = from; p < to; p++) out[at++] = body[p]!;
  return at;
}

/** Decodes `[from, to)` of the body into `out` at `at`; the end offset, or -1 when the general path must decide. */
function decodeInto(body: Buffer, from: number, to: number, out: Buffer, at: number): number {
  const start = at;
  let high = false;
  for (let p = from; p < to; p++) {
    const c = body[p]!;
    if (c === 0x2b) out[at++] = 0x20;
    else if (c !== 0x25) out[at++] = c;
    else {
      const h = p + 2 < to ? HEX[body[p + 1]!]! : -1;
      const l = p + 2 < to ? HEX[body[p + 2]!]! : -1;
      if (h < 0 || l < 0) return -1;
      const byte = (h << 4) | l;
      high ||= byte >= 0x80;
      out[at++] = byte;
      p += 2;
    }
  }
  // Escapes that are not UTF-8 are decoded with replacement characters: that is the general path's business.
  return high && !isUtf8(out.subarray(start, at)) ? -1 : at;
}

/** The signed bytes by the fast path, or null when the body is not one it handles. */
function fastSignedData(url: string, body: Buffer): Buffer | null {
  const length = body.length;
  if (!isAscii(body)) return null;
  let n = 0;
  // The next '%' and '+' at or after the current parameter, found again only once passed: the body is read once.
  let pct = -1;
  let plus = -1;
  for (let start = 0; start < length; ) {
    let end = body.indexOf(0x26, start);
    if (end < 0) end = length;
    if (end > start) {
      if (n === MAX_PARAMS) return null;
      let eq = start;
      while (eq < end && body[eq] !== 0x3d) eq++;
      // `>>> 0` turns "none" (-1) into 2^32 - 1, past any offset.
      if (pct < start) pct = body.indexOf(0x25, start) >>> 0;
      if (plus < start) plus = body.indexOf(0x2b, start) >>> 0;
      if (pct < eq || plus < eq) return null;
      nameStart[n] = start;
      nameEnd[n] = eq;
      valueEnd[n] = end;
      escaped[n] = pct < end || plus < end ? 1 : 0;
      let j = n - 1;
      for (; j >= 0; j--) {
        const c = compareNames(body, order[j]!, n);
        if (c === 0) return null;
        if (c < 0) break;
        order[j + 1] = order[j]!;
      }
      order[j + 1] = n++;
    }
    start = end + 1;
  }
  const bound = url.length * 3 + length;
  if (bound > SCRATCH_MAX) return null;
  if (!scratch || scratch.length < bound) {
    scratch = Buffer.allocUnsafeSlow(Math.max(bound, 4096));
    scratchUrl = undefined;
  }
  const out = scratch;
  if (url !== scratchUrl) {
    scratchUrlBytes = out.write(url, 0, 'utf8');
    scratchUrl = url;
  }
  let at = scratchUrlBytes;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const end = valueEnd[i]!;
    const from = nameEnd[i]! < end ? nameEnd[i]! + 1 : end;
    at = copyInto(body, nameStart[i]!, nameEnd[i]!, out, at);
    at = escaped[i] ? decodeInto(body, from, end, out, at) : copyInto(body, from, end, out, at);
    if (at < 0) return null;
  }
  return out.subarray(0, at);
}

/**
 * What Twilio signs for a form body: the URL, then each parameter as name+value, names sorted. The bytes may be a
 * buffer the next call reuses: hash them at once.
 */
export function formSignedData(url: string, body: Buffer): (string | Buffer)[] {
  const fast = fastSignedData(url, body);
  return fast ? [fast] : generalSignedData(url, formParams(body));
}
