import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Headers } from '../adapters/webhooks/scheme.js';

// The listener's HTTP details, apart from what it does with an event: which paths it takes and how it answers.

export const SHUTTING_DOWN = { connection: 'close', 'retry-after': '5' };
export const ALLOW_POST = { allow: 'POST' };
export const CLOSE = { connection: 'close' };
export const RETRY_SOON = { 'retry-after': '1' };

/** Node joins repeated headers with ", " itself, except set-cookie (an array); only then is a copy needed. */
export function flatHeaders(headers: IncomingMessage['headers']): Headers {
  const cookies = headers['set-cookie'];
  if (cookies === undefined) return headers as Headers;
  return { ...(headers as Headers), 'set-cookie': cookies.join(', ') };
}

export function normalisePath(path: string): string {
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  return withSlash.length > 1 ? withSlash.replace(/\/+$/, '') : withSlash;
}

/** `/` takes every path; `/hooks` takes `/hooks`, `/hooks/stripe` and `/hooks?x=1`, not `/hooksy`. */
export function underPath(url: string, base: string): boolean {
  if (base === '/') return true;
  const path = url.split('?')[0] ?? '';
  return path === base || path.startsWith(base + '/');
}

/** Answers once, with a length; a response already sent or destroyed is left alone. */
export function answer(res: ServerResponse, status: number, text: string, extra?: Record<string, string>, json = false): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = {
    'content-type': json ? 'application/json' : 'text/plain; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
  };
  if (extra) Object.assign(headers, extra);
  res.writeHead(status, headers);
  res.end(text);
}
