import type { Headers } from './scheme.js';
import { defaultPort, joinUrl, splitUrl } from './url-parts.js';

/** A URL the provider may have signed instead, and what differs. */
export interface UrlVariant {
  url: string;
  what: string;
}

const PREFIX_HEADERS = ['x-forwarded-prefix', 'x-script-name'];
const ORIGINAL_PATH_HEADERS = ['x-original-uri', 'x-forwarded-uri', 'x-original-url', 'x-envoy-original-path'];

function single(url: string, headers: Headers): UrlVariant[] {
  const p = splitUrl(url);
  if (!p) return [];
  const out: UrlVariant[] = [];
  const [beforeHash = ''] = p.rest.split('#');
  const q = beforeHash.indexOf('?');
  const path = q < 0 ? beforeHash : beforeHash.slice(0, q);
  const query = q < 0 ? '' : beforeHash.slice(q + 1);
  const withRest = (rest: string) => joinUrl({ ...p, rest });
  const dq = query ? `?${query}` : '';
  if (p.port === defaultPort(p.scheme)) out.push({ url: joinUrl({ ...p, port: '' }), what: `without the default port ${p.port}` });
  else if (!p.port) out.push({ url: joinUrl({ ...p, port: defaultPort(p.scheme) }), what: `with the default port ${defaultPort(p.scheme)} written out` });
  if (path.length > 1 && path.endsWith('/')) out.push({ url: withRest(path.replace(/\/+$/, '') + dq), what: 'without the trailing slash' });
  else out.push({ url: withRest((path || '') + '/' + dq), what: 'with a trailing slash' });
  if (query) {
    out.push({ url: withRest(path), what: 'without the query string' });
    const params = query.split('&');
    if (params.length > 1) {
      const sorted = [...params].sort();
      if (sorted.join('&') !== query) out.push({ url: withRest(`${path}?${sorted.join('&')}`), what: 'with the query parameters sorted by name' });
      const reversed = [...params].reverse().join('&');
      if (reversed !== sorted.join('&')) out.push({ url: withRest(`${path}?${reversed}`), what: 'with the query parameters in another order' });
    }
  }
  for (const name of PREFIX_HEADERS) {
    const prefix = headers[name]?.trim().replace(/\/+$/, '');
    if (prefix && prefix.startsWith('/') && !path.startsWith(prefix + '/')) out.push({ url: withRest(prefix + path + dq), what: `with the path prefix ${prefix} that a proxy removed (${name})` });
  }
  for (const name of ORIGINAL_PATH_HEADERS) {
    const original = headers[name]?.trim();
    if (original && original.startsWith('/') && original !== path + dq) out.push({ url: withRest(original), what: `with the original path ${original} a proxy rewrote (${name})` });
  }
  if (/%[0-9a-f]{2}/i.test(beforeHash)) {
    // HubSpot's v3 documentation decodes some escapes of the URI before signing; other signers decode all of them.
    try {
      const decoded = decodeURI(beforeHash);
      if (decoded !== beforeHash) out.push({ url: withRest(decoded), what: 'with its %-escapes decoded' });
    } catch {
      /* not decodable: no such variant */
    }
  }
  const segments = path.split('/').filter(Boolean);
  for (let i = 1; i < segments.length; i++) {
    const removed = '/' + segments.slice(0, i).join('/');
    out.push({ url: withRest('/' + segments.slice(i).join('/') + (path.endsWith('/') ? '/' : '') + dq), what: `without the path prefix ${removed} (a proxy adds it in front of what the provider called)` });
  }
  return out;
}

/**
 * The usual ways the URL a verifier uses differs from the one the provider signed: http vs https, a default port
 * written or not, a trailing slash, the query dropped or reordered, a proxy's path prefix; each alone and each
 * with the other scheme (a tunnel's public https in front of a local http).
 */
export function urlVariants(url: string, headers: Headers): UrlVariant[] {
  const p = splitUrl(url);
  if (!p) return [];
  const lower = p.scheme.toLowerCase();
  const other = lower === 'https://' ? 'http://' : lower === 'http://' ? 'https://' : null;
  const variants = single(url, headers);
  if (other) {
    const swapped = joinUrl({ ...p, scheme: other, port: p.port === defaultPort(p.scheme) ? defaultPort(other) : p.port });
    const name = other.slice(0, -3);
    const was = lower.slice(0, -3);
    variants.unshift({ url: swapped, what: `with ${name}, not ${was}` });
    for (const v of single(swapped, headers)) variants.push({ url: v.url, what: `with ${name}, not ${was}, and ${v.what}` });
  }
  const seen = new Set([url]);
  return variants.filter((v) => !seen.has(v.url) && seen.add(v.url));
}
