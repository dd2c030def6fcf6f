import { UsageError } from '../../core/errors.js';

/**
 * Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus host and content-length, which
 * the sender sets for the new connection. Everything else, content-type and signature headers included, is kept.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
  'content-length',
  'expect',
]);

/** Lower-cased headers fit to re-send: hop-by-hop ones removed, then `extra` (from --header) applied on top. */
export function forwardableHeaders(
  headers: Record<string, string | string[] | undefined>,
  extra: Record<string, string> = {},
): Record<string, string> {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name) || name.startsWith('proxy-')) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  for (const [name, value] of Object.entries(extra)) out[name.toLowerCase()] = value;
  return out;
}

/** `--header 'name: value'` pairs, validated the way node:http will check them when sending. */
export function parseHeaderFlags(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of values) {
    const at = raw.indexOf(':');
    const name = at > 0 ? raw.slice(0, at).trim() : '';
    const value = at > 0 ? raw.slice(at + 1).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || /[\r\n\0]/.test(value)) {
      throw new UsageError(`invalid --header "${raw}"`, { hint: "write it as 'Name: value'" });
    }
    out[name.toLowerCase()] = value;
  }
  return out;
}
