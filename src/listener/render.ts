import type { Style } from '../core/style.js';
import type { DeliveryOutcome } from '../adapters/http/deliver.js';
import type { ListenerEventRecord, ReceivedEvent } from './types.js';

function clock(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `12:00:01  --> payment_intent.succeeded [evt_…] verified`, or the answer and why for a refused request. */
export function arrivalLine(event: ReceivedEvent, c: Style): string {
  const at = c.dim(clock(event.receivedAt));
  if (event.status >= 400) {
    const what = event.type ? `${event.type} [${event.id ?? '-'}]` : `${event.method} ${event.path}`;
    return `${at}  --> ${c.red(`[${event.status}]`)} ${what} ${c.red(event.reason ?? '')}`.trimEnd();
  }
  const state = event.verified ? c.green('verified') : c.yellow('unverified');
  const notes: string[] = [];
  if (event.duplicate) notes.push(c.yellow('duplicate: not forwarded again'));
  if (event.skipped) notes.push(c.dim('skipped (--events)'));
  if (event.recorded) notes.push(c.dim(`recorded ${event.recorded}`));
  const tail = notes.length ? `, ${notes.join(', ')}` : '';
  return `${at}  --> ${c.bold(event.type ?? '(no type)')} [${event.id ?? '-'}] ${state}${tail}`;
}

/** `12:00:01  <-- [200] POST http://localhost:3000/hook [evt_…] 12 ms`. */
export function forwardLine(event: ReceivedEvent, outcome: DeliveryOutcome, c: Style): string {
  const at = c.dim(clock(new Date().toISOString()));
  // A queue has no HTTP status: it either took the message or did not.
  const status =
    outcome.status === null ? (outcome.ok ? c.green('[sent]') : c.red('[ERR]')) : outcome.ok ? c.green(`[${outcome.status}]`) : c.red(`[${outcome.status}]`);
  const target = /^https?:/.test(outcome.url) ? `POST ${outcome.url}` : `SEND ${outcome.url}`;
  const parts = [`${at}  <-- ${status} ${target} [${event.id ?? '-'}]`];
  if (outcome.latencyMs !== null) parts.push(`${outcome.latencyMs} ms`);
  if (outcome.attempts > 1) parts.push(c.dim(`(${outcome.attempts} attempts)`));
  if (outcome.error && !outcome.ok && !(outcome.status !== null && outcome.error === `HTTP ${outcome.status}`)) {
    parts.push(c.red(outcome.error));
  }
  return parts.join(' ');
}

/** The --json record; the target's response body only with --verbose (it can be large). */
export function jsonRecord(record: ListenerEventRecord, verbose: boolean): ListenerEventRecord {
  if (verbose) return record;
  return { ...record, forwards: record.forwards.map(({ responseBody: _body, responseHeaders: _headers, ...rest }) => rest) };
}
