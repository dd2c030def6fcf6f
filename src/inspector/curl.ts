import { forwardableHeaders } from '../adapters/http/headers.js';
import type { Headers } from '../adapters/webhooks/scheme.js';

/** One shell word: single quotes, with each ' written as '\'' (nothing inside single quotes is special). */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A printf format that writes exactly these bytes: printable ASCII as it is, everything else as \ooo. */
function printfFormat(body: Buffer): string {
  let out = '';
  for (const byte of body) {
    if (byte === 0x25) out += '%%';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte >= 0x20 && byte < 0x7f && byte !== 0x27) out += String.fromCharCode(byte);
    else out += '\\' + byte.toString(8).padStart(3, '0');
  }
  return out;
}

/** Arguments longer than this cannot be passed to a program on Linux (MAX_ARG_STRLEN is 128 KiB); printf is a shell built-in. */
const MAX_LITERAL = 64 * 1024;

/**
 * A POSIX shell command that sends the same request with curl: the recorded headers (hop-by-hop ones left out) and
 * the exact body bytes, as a quoted --data-binary literal when that is safe, else through printf on stdin.
 */
export function curlCommand(url: string, method: string, headers: Headers, body: Buffer): string {
  const args = ['curl', '-sS'];
  if (method !== 'POST') args.push('-X', shellQuote(method));
  args.push(shellQuote(url));
  for (const [name, value] of Object.entries(forwardableHeaders(headers))) args.push('-H', shellQuote(`${name}: ${value}`));
  const text = body.toString('utf8');
  const isText = Buffer.from(text, 'utf8').equals(body) && !text.includes('\0');
  // curl reads a file for a value starting with @, so such a body goes through stdin too.
  if (isText && body.length <= MAX_LITERAL && !text.startsWith('@')) {
    return [...args, '--data-binary', shellQuote(text)].join(' ');
  }
  const feed = isText ? `printf '%s' ${shellQuote(text)}` : `printf '${printfFormat(body)}'`;
  return `${feed} | ${[...args, '--data-binary', '@-'].join(' ')}`;
}
