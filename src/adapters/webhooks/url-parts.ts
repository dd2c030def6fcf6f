/** A URL split without normalising it, so the path and query keep the exact characters the provider signed. */
export interface UrlParts {
  /** `https://` */
  scheme: string;
  /** `user:pass@` or '' */
  userInfo: string;
  host: string;
  /** `:8443` or '' */
  port: string;
  /** Path, query and fragment. */
  rest: string;
}

export function splitUrl(url: string): UrlParts | null {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (!match) return null;
  const authority = match[2] ?? '';
  const at = authority.lastIndexOf('@');
  const hostPort = authority.slice(at + 1);
  // In an IPv6 literal the port's colon comes after the closing bracket.
  const colon = hostPort.indexOf(':', hostPort.lastIndexOf(']') + 1);
  return {
    scheme: match[1] ?? '',
    userInfo: authority.slice(0, at + 1),
    host: colon < 0 ? hostPort : hostPort.slice(0, colon),
    port: colon < 0 ? '' : hostPort.slice(colon),
    rest: url.slice(match[0].length),
  };
}

export function joinUrl(p: UrlParts): string {
  return p.scheme + p.userInfo + p.host + p.port + p.rest;
}

export function defaultPort(scheme: string): string {
  return scheme.toLowerCase() === 'https://' ? ':443' : ':80';
}

/** The URL with its scheme's default port written out (unchanged when it has a port). */
export function withPort(url: string): string {
  const p = splitUrl(url);
  return !p || p.port ? url : joinUrl({ ...p, port: defaultPort(p.scheme) });
}

/** The URL without any port. */
export function withoutPort(url: string): string {
  const p = splitUrl(url);
  return !p ? url : joinUrl({ ...p, port: '' });
}

/** Path and query of a URL (from the first `/`, `?` after the authority). */
export function pathAndQuery(url: string): { path: string; query: string } {
  const rest = splitUrl(url)?.rest ?? url;
  const noHash = rest.split('#')[0] ?? '';
  const q = noHash.indexOf('?');
  return q < 0 ? { path: noHash, query: '' } : { path: noHash.slice(0, q), query: noHash.slice(q + 1) };
}

/**
 * The URL a provider called, for a request the listener received on `requestPath` (path and query) behind
 * `publicUrl`: a public URL whose path the request path already starts with is only the origin (the tunnel keeps
 * the path); otherwise its path is a prefix a proxy removed, and is put back.
 */
export function publicUrlFor(publicUrl: string, requestPath: string): string {
  const p = splitUrl(publicUrl);
  if (!p) return publicUrl;
  const base = pathAndQuery(publicUrl).path.replace(/\/+$/, '');
  const origin = p.scheme + p.userInfo + p.host + p.port;
  const path = requestPath.startsWith('/') ? requestPath : `/${requestPath}`;
  if (!base || path === base || path.startsWith(base + '/') || path.startsWith(base + '?')) return origin + path;
  return origin + base + path;
}
