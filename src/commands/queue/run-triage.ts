import { idText } from '../../adapters/queue/message-codec.js';
import { entityPath, type EntityRef, type QueueMessage, type QueuePort } from '../../adapters/queue/index.js';
import type { Context } from '../../core/context.js';
import { fit } from '../../adapters/queue/message-codec.js';
import { plural, portFor } from './shared.js';

export interface TriageInput {
  entity: EntityRef;
  /** At most this many dead letters are read; default 10,000. */
  max?: number;
  /** What the groups share: reason and description (default), sessionId, or subject. */
  by?: TriageBy;
  port?: QueuePort;
}

export const TRIAGE_BY = ['reason', 'session', 'subject'] as const;
export type TriageBy = (typeof TRIAGE_BY)[number];

/**
 * One group of dead letters (the --json shape of DESIGN.md): by reason it carries reason and description, by
 * session its sessionId, by subject its subject.
 */
export interface TriageGroup {
  reason?: string | null;
  description?: string | null;
  sessionId?: string | null;
  subject?: string | null;
  count: number;
  /** How many distinct sessions its dead letters came from (only when some carry a sessionId, and not by session). */
  sessions?: number;
  oldest: string | null;
  newest: string | null;
  sampleMessageIds: string[];
}

export interface TriageReport {
  entity: string;
  by: TriageBy;
  total: number;
  /** True when --max stopped the read before the end of the dead-letter queue. */
  truncated: boolean;
  groups: TriageGroup[];
}

const SAMPLES = 3;

/** `queue triage`: peeks the whole dead-letter queue (up to --max) and groups it, biggest group first. */
export async function runTriage(ctx: Context, input: TriageInput): Promise<TriageReport> {
  const max = input.max ?? 10_000;
  const by = input.by ?? 'reason';
  const entity: EntityRef = { ...input.entity, dlq: true };
  const groups = new Map<string, TriageGroup>();
  const sessionsOf = new Map<TriageGroup, Set<string>>();
  let total = 0;
  const { port, owned } = await portFor(ctx, input.port);
  const spinner = ctx.out.spinner(`reading ${entityPath(entity)}`);
  try {
    for await (const page of port.peek(entity, { count: max, signal: ctx.signal })) {
      for (const m of page) {
        total += 1;
        const [key, shared] = groupOf(m, by);
        let g = groups.get(key);
        if (!g) {
          g = { ...shared, count: 0, oldest: null, newest: null, sampleMessageIds: [] };
          groups.set(key, g);
        }
        g.count += 1;
        const at = m.enqueuedTimeUtc;
        if (at && (!g.oldest || at < g.oldest)) g.oldest = at;
        if (at && (!g.newest || at > g.newest)) g.newest = at;
        if (g.sampleMessageIds.length < SAMPLES) g.sampleMessageIds.push(idText(m.messageId));
        if (m.sessionId !== null && by !== 'session') {
          const seen = sessionsOf.get(g) ?? new Set<string>();
          sessionsOf.set(g, seen.add(m.sessionId));
          g.sessions = seen.size;
        }
      }
      spinner.text(`read ${plural(total, 'dead letter')}`);
    }
  } finally {
    spinner.stop();
    if (owned) await port.close();
  }
  const report: TriageReport = {
    entity: entityPath(input.entity, false),
    by,
    total,
    truncated: total >= max,
    groups: [...groups.values()].sort((a, b) => b.count - a.count || (a.oldest ?? '').localeCompare(b.oldest ?? '')),
  };
  render(ctx, report, max);
  return report;
}

/** The group a dead letter falls in: its key, and the fields the group shows. */
function groupOf(m: QueueMessage, by: TriageBy): [string, Partial<TriageGroup>] {
  switch (by) {
    case 'session':
      return [m.sessionId ?? '\u0001', { sessionId: m.sessionId }];
    case 'subject':
      return [m.subject ?? '\u0001', { subject: m.subject }];
    default:
      return [`${m.deadLetterReason ?? ''}\u0000${m.deadLetterErrorDescription ?? ''}`, { reason: m.deadLetterReason, description: m.deadLetterErrorDescription }];
  }
}

function render(ctx: Context, report: TriageReport, max: number): void {
  if (report.truncated) {
    ctx.out.warn(`stopped after --max ${max} dead letters; there may be more (raise --max to read them all)`);
  }
  if (ctx.out.json) {
    ctx.out.jsonLine(report);
    return;
  }
  if (report.total === 0) {
    ctx.out.info(`${report.entity}/$DeadLetterQueue is empty: no dead letters`);
    return;
  }
  const day = (iso: string | null) => (iso ? iso.replace(/\.\d+Z$/, 'Z') : '');
  if (report.by !== 'reason') return renderBy(ctx, report, day);
  const rows = report.groups.map((g) => [
    String(g.count),
    g.reason ?? '(none)',
    g.description ?? '',
    day(g.oldest),
    day(g.newest),
    g.sampleMessageIds.join(','),
  ]);
  const fixed = ['COUNT', 'REASON', 'DESCRIPTION', 'OLDEST', 'NEWEST', 'SAMPLE MESSAGE IDS'];
  const withSessions = report.groups.some((g) => g.sessions !== undefined);
  const width = (i: number) => Math.max(fixed[i]!.length, ...rows.map((r) => r[i]!.length));
  const room = ctx.out.columns - [0, 1, 3, 4, 5].reduce((a, i) => a + Math.min(width(i), i === 5 ? 40 : 60), 0) - 10;
  // Cut to the terminal only: piped to cut or awk, every field arrives whole.
  for (const r of ctx.out.stdoutIsTTY ? rows : []) {
    r[1] = fit(r[1]!, 60);
    r[2] = fit(r[2]!, Math.max(20, room));
    r[5] = fit(r[5]!, 40);
  }
  // Dead letters of a session-enabled entity: how many sessions each group touches.
  if (withSessions) report.groups.forEach((g, i) => rows[i]!.splice(1, 0, String(g.sessions ?? 0)));
  ctx.out.table(withSessions ? ['COUNT', 'SESSIONS', ...fixed.slice(1)] : fixed, rows);
  ctx.out.info(`${plural(report.total, 'dead letter')} in ${plural(report.groups.length, 'group')} (${report.entity}/$DeadLetterQueue)`);
}

/** The table by session or by subject: one key column instead of reason and description. */
function renderBy(ctx: Context, report: TriageReport, day: (iso: string | null) => string): void {
  const field = report.by === 'session' ? 'sessionId' : 'subject';
  const rows = report.groups.map((g) => [String(g.count), fit(g[field] ?? '(none)', 60), day(g.oldest), day(g.newest), fit(g.sampleMessageIds.join(','), 40)]);
  ctx.out.table(['COUNT', report.by === 'session' ? 'SESSION' : 'SUBJECT', 'OLDEST', 'NEWEST', 'SAMPLE MESSAGE IDS'], rows);
  ctx.out.info(`${plural(report.total, 'dead letter')} in ${plural(report.groups.length, 'group')} by ${report.by} (${report.entity}/$DeadLetterQueue)`);
}
