import { spawnSync } from 'node:child_process';

/**
 * HMAC-SHA256 computed by the openssl binary, independently of switchyard's code, so that a test compares our
 * signatures with a second implementation rather than with themselves. The key is passed as hex, so binary keys
 * (Standard Webhooks) work too.
 */
export function opensslHmac(key: string | Buffer, data: string | Buffer, algorithm: 'sha1' | 'sha256' | 'sha512' = 'sha256'): Buffer {
  const hexKey = (typeof key === 'string' ? Buffer.from(key, 'utf8') : key).toString('hex');
  const r = spawnSync('openssl', ['dgst', `-${algorithm}`, '-mac', 'HMAC', '-macopt', `hexkey:${hexKey}`, '-binary'], {
    input: typeof data === 'string' ? Buffer.from(data, 'utf8') : data,
  });
  if (r.error || r.status !== 0) {
    throw new Error(`openssl is needed for the reference signatures: ${r.error?.message ?? r.stderr.toString()}`);
  }
  return r.stdout;
}

/** Concatenates text and bytes, as the schemes' signed payloads do (`<t>.` + body). */
export function concat(...parts: (string | Buffer)[]): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
}

/** Bodies that break careless implementations: non-ASCII, empty, CRLF with a trailing newline. */
export const BODIES: Record<string, Buffer> = {
  json: Buffer.from('{"id":"evt_1","type":"payment_intent.succeeded"}'),
  'non-ASCII': Buffer.from('{"name":"Zoë Müller","city":"Zürich","note":"😀 — ok"}'),
  empty: Buffer.alloc(0),
  CRLF: Buffer.from('{\r\n  "id": "evt_2"\r\n}\r\n'),
};

export const NOW = 1_800_000_000;
