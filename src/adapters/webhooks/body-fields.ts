// Schemes that keep part of the signature in the body (Linear's timestamp, Mailgun's signature object) read it
// without parsing the whole body where they can: the listener does this for every request.

const patterns = new Map<string, RegExp>();

function pattern(field: string): RegExp {
  let re = patterns.get(field);
  if (!re) {
    re = new RegExp(`"${field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:\\s*(\\d{1,16})(?=\\s*[,}])`);
    patterns.set(field, re);
  }
  return re;
}

/**
 * The number in `"field": 123` of a JSON body, or undefined. Searched from the end on the bytes (Linear puts its
 * webhookTimestamp last), without decoding the body.
 */
export function bodyTimestamp(body: Buffer, field: string): number | undefined {
  const key = `"${field}"`;
  for (let at = body.lastIndexOf(key); at >= 0; at = at > 0 ? body.lastIndexOf(key, at - 1) : -1) {
    let i = at + key.length;
    while (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09) i++;
    if (body[i] !== 0x3a) continue;
    i++;
    while (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09) i++;
    let value = 0;
    let digits = 0;
    for (; digits < 17 && body[i]! >= 0x30 && body[i]! <= 0x39; i++, digits++) value = value * 10 + (body[i]! - 0x30);
    if (digits > 0 && digits <= 16) return value;
  }
  return undefined;
}

/** The body with `"field"` set to `value`: the digits replaced in place, or the field added before the last `}`. */
export function withBodyTimestamp(body: Buffer, field: string, value: number): Buffer {
  const text = body.toString('utf8');
  const re = pattern(field);
  if (re.test(text)) return Buffer.from(text.replace(re, (whole, digits: string) => whole.slice(0, whole.length - digits.length) + String(value)), 'utf8');
  const end = text.lastIndexOf('}');
  if (end < 0 || !text.trimStart().startsWith('{')) return body;
  const empty = /^\s*\{\s*$/.test(text.slice(0, end));
  return Buffer.from(`${text.slice(0, end)}${empty ? '' : ','}"${field}":${value}${text.slice(end)}`, 'utf8');
}

/** The body as a JSON object, or undefined (never throws: bodies come from the outside world). */
export function jsonObject(body: Buffer): Record<string, unknown> | undefined {
  let i = 0;
  while (i < body.length && (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09)) i++;
  if (body[i] !== 0x7b) return undefined;
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
