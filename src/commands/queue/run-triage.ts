import { idText } from '../../adapters/queue/message-codec.js';
import { entityPath, type EntityRef, type QueuePort } from '../../adapters/queue/index.js';
import type { Context } from '../../core/context.js';
import { fit } from '../../adapters/queue/message-codec.js';
import { plural, portFor } from './shared.js';

export interface TriageInput {
  entity: EntityRef;
  /** At most this many dead letters are read; default 10,000. */
  max?: number;
  port?: QueuePort;
}

/** One group of dead letters sharing a reason and description (the --json shape of DESIGN.md). */
export interface TriageGroup {
  reason: string | null;
  description: string | null;
  count: number;
  oldest: string | null;
  newest: string | null;
  sampleMessageIds: string[];
}

export interface TriageReport {
  entity: string;
  total: number;
  /** True when --max stopped the read before the end of the dead-letter queue. */
  truncated: boolean;
  groups: TriageGroup[];
}

const SAMPLES = 3;

/** `queue triage`: peeks the whole dead-letter queue (up to --max) and groups it, biggest group first. */
export async function runTriage(ctx: Context, input: TriageInput): Promise<TriageReport> {
  const max = input.max ?? 10_000;
  const entity: EntityRef = { ...input.entity, dlq: true };
  const groups = new Map<string, TriageGroup>();
  let total = 0;
  const { port, owned } = await portFor(ctx, input.port);
  const spinner = ctx.out.spinner(`reading ${entityPath(entity)}`);
  try {
    for await (const page of port.peek(entity, { count: max, signal: ctx.signal })) {
      for (const m of page) {
        total += 1;
        const key = `${m.deadLetterReason ?? ''}\u0000${m.deadLetterErrorDescription ?? ''}`;
        let g = groups.get(key);
        if (!g) {
          g = { reason: m.deadLetterReason, description: m.deadLetterErrorDescription, count: 0, oldest: null, newest: null, sampleMessageIds: [] };
          groups.set(key, g);
        }
        g.count += 1;
        const at = m.enqueuedTimeUtc;
        if (at && (!g.oldest || at < g.oldest)) g.oldest = at;
        if (at && (!g.newest || at > g.newest)) g.newest = at;
        if (g.sampleMessageIds.length < SAMPLES) g.sampleMessageIds.push(idText(m.messageId));
      }
      spinner.text(`read ${plural(total, 'dead letter')}`);
    }
  } finally {
    spinner.stop();
    if (owned) await port.close();
  }
  const report: TriageReport = {
    entity: entityPath(input.entity, false),
    total,
    truncated: total >= max,
    groups: [...groups.values()].sort((a, b) => b.count - a.count || (a.oldest ?? '').localeCompare(b.oldest ?? '')),
  };
  render(ctx, report, max);
  return report;
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
  const rows = report.groups.map((g) => [
    String(g.count),
    g.reason ?? '(none)',
    g.description ?? '',
    day(g.oldest),
    day(g.newest),
    g.sampleMessageIds.join(','),
  ]);
  const fixed = ['COUNT', 'REASON', 'DESCRIPTION', 'OLDEST', 'NEWEST', 'SAMPLE MESSAGE IDS'];
  const width = (i: number) => Math.max(fixed[i]!.length, ...rows.map((r) => r[i]!.length));
  const room = ctx.out.columns - [0, 1, 3, 4, 5].reduce((a, i) => a + Math.min(width(i), i === 5 ? 40 : 60), 0) - 10;
  // Cut to the terminal only: piped to cut or awk, every field arrives whole.
  for (const r of ctx.out.stdoutIsTTY ? rows : []) {
    r[1] = fit(r[1]!, 60);
    r[2] = fit(r[2]!, Math.max(20, room));
    r[5] = fit(r[5]!, 40);
  }
  ctx.out.table(fixed, rows);
  ctx.out.info(`${plural(report.total, 'dead letter')} in ${plural(report.groups.length, 'group')} (${report.entity}/$DeadLetterQueue)`);
}
