import { bodyPreview, fit, idText } from '../../adapters/queue/message-codec.js';
import { entityPath, type EntityRef, type QueueMessage, type QueuePort } from '../../adapters/queue/index.js';
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { plural, portFor } from './shared.js';

export interface PeekInput {
  entity: EntityRef;
  /** Default 20. */
  count?: number;
  /** Decimal sequence number to start at. */
  fromSequence?: string;
  port?: QueuePort;
}

/** `queue peek`: reads without changing anything; a table, or one on-disk line per message under --json. */
export async function runPeek(ctx: Context, input: PeekInput): Promise<{ peeked: number }> {
  const { port, owned } = await portFor(ctx, input.port);
  const path = entityPath(input.entity);
  const rows: string[][] = [];
  const sessions: string[] = [];
  let piped: boolean | undefined;
  let peeked = 0;
  try {
    const pages = port.peek(input.entity, { count: input.count ?? 20, fromSequence: input.fromSequence, signal: ctx.signal });
    for await (const page of pages) {
      peeked += page.length;
      if (ctx.out.json) for (const m of page) ctx.out.jsonLine(m);
      else if (!ctx.out.stdoutIsTTY) {
        // Piped, each page is written as it arrives (no column widths to agree on), so `| head` ends the run early;
        // whether there is a SESSION column is settled by the first page, so every line has the same columns.
        piped ??= page.some((m) => m.sessionId !== null);
        renderTable(ctx, page.map(peekRow), input.entity.dlq, piped ? page.map((m) => m.sessionId ?? '') : undefined);
      } else
        for (const m of page) {
          rows.push(peekRow(m));
          sessions.push(m.sessionId ?? '');
        }
    }
  } finally {
    if (owned) await port.close();
  }
  if (peeked === 0) {
    ctx.out.info(`${path} is empty: no messages to peek${input.fromSequence ? ` from sequence number ${input.fromSequence}` : ''}`);
    return { peeked };
  }
  if (!ctx.out.json && ctx.out.stdoutIsTTY) renderTable(ctx, rows, input.entity.dlq, sessions.some((s) => s !== '') ? sessions : undefined);
  return { peeked };
}

const HEADERS = ['SEQ', 'MESSAGE ID', 'ENQUEUED (UTC)', 'DLV', 'SUBJECT', 'BODY', 'DEAD-LETTER REASON'];

function peekRow(m: QueueMessage): string[] {
  return [
    m.sequenceNumber ?? '',
    idText(m.messageId),
    m.enqueuedTimeUtc ? m.enqueuedTimeUtc.replace(/\.\d+Z$/, 'Z') : '',
    m.deliveryCount === null ? '' : String(m.deliveryCount),
    m.subject ?? '',
    bodyPreview(m),
    m.deadLetterReason ?? '',
  ];
}

/** Fits the body preview into what the terminal has left after the other columns; piped, nothing is cut. */
function renderTable(ctx: Context, rows: string[][], dlq: boolean, sessions?: string[]): void {
  const keep = dlq ? HEADERS.length : HEADERS.length - 1;
  const cut = rows.map((r) => r.slice(0, keep));
  const headers = HEADERS.slice(0, keep);
  let bodyAt = 5;
  // Messages of a session-enabled entity: their session next to their id.
  if (sessions) {
    headers.splice(2, 0, 'SESSION');
    cut.forEach((r, i) => r.splice(2, 0, sessions[i] ?? ''));
    bodyAt += 1;
  }
  const widths = headers.map((h, i) => (i === bodyAt ? 0 : Math.max(h.length, ...cut.map((r) => (r[i] ?? '').length))));
  const others = widths.reduce((a, b) => a + b, 0) + 2 * (headers.length - 1);
  const bodyWidth = Math.max(16, ctx.out.columns - others);
  if (ctx.out.stdoutIsTTY) for (const r of cut) r[bodyAt] = fit(r[bodyAt] ?? '', bodyWidth);
  ctx.out.table(headers, cut);
  if (ctx.out.stdoutIsTTY) ctx.out.info(plural(rows.length, 'message'));
}

/** A sequence number flag: a 64-bit whole number, kept as a string. */
export function parseSequence(value: string): string {
  const text = value.trim();
  if (!/^\d+$/.test(text) || BigInt(text) > 2n ** 63n - 1n) {
    throw new UsageError(`invalid --from-sequence "${value}"`, { hint: 'expected a sequence number, e.g. 1 (they are 64-bit whole numbers)' });
  }
  return BigInt(text).toString();
}
