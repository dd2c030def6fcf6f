import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * What every answer carries: nothing loaded from elsewhere, no framing, no referrer (the first URL holds the token),
 * nothing cached, nothing sniffed.
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-store',
};

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time, whatever the lengths. */
export function sameToken(given: string | undefined, token: string): boolean {
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

/** The names a browser on this machine uses for the inspector; anything else is a DNS-rebinding attempt. */
export function allowedHosts(port: number): Set<string> {
  return new Set([`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]);
}

export function allowedOrigins(port: number): Set<string> {
  return new Set([...allowedHosts(port)].map((h) => `http://${h}`));
}

/** Cookies ignore ports, so two inspectors on one machine each need their own name. */
export const cookieName = (port: number) => `switchyard_inspector_${port}`;

export function cookieHeader(port: number, token: string): string {
  return `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

export function cookieToken(req: IncomingMessage, port: number): string | undefined {
  const name = cookieName(port) + '=';
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const p = part.trim();
    if (p.startsWith(name)) return p.slice(name.length);
  }
  return undefined;
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/**
 * Why a state-changing request is refused, or null: it must carry the token in its Authorization header (which a
 * form or a plain cross-site request cannot set, so a browser preflights it), come from this origin if it names
 * one, and be JSON.
 */
export function refuseStateChange(req: IncomingMessage, token: string, port: number): { status: number; message: string } | null {
  if (!sameToken(bearerToken(req), token)) {
    return { status: 403, message: 'state changes need the token in an Authorization: Bearer header' };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedOrigins(port).has(origin)) {
    return { status: 403, message: `requests from ${origin} are not accepted` };
  }
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return { status: 403, message: `a ${site} request cannot change anything here` };
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if ((req.method === 'POST' || hasBody) && type !== 'application/json') {
    return { status: 415, message: 'send a JSON body (Content-Type: application/json)' };
  }
  return null;
}

export function sendJson(res: ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(value);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...extra,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, message: string, extra: Record<string, string> = {}): void {
  sendJson(res, status, { error: { status, message } }, extra);
}
