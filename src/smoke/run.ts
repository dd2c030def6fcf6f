import { writeFileAtomic } from '../core/atomic-write.js';
import type { Context } from '../core/context.js';
import { CheckFailedError, UsageError } from '../core/errors.js';
import { toJUnit } from './junit.js';
import { servicebusCheck } from './servicebus-check.js';
import { stripeCheck } from './stripe-check.js';
import { SkipCheck, type Check, type CheckName, type CheckResult, type SmokeInput, type SmokeReport } from './types.js';
import { webhooksCheck } from './webhooks-check.js';

const CHECKS: Record<CheckName, Check> = { stripe: stripeCheck, webhooks: webhooksCheck, servicebus: servicebusCheck };

async function runOne(ctx: Context, name: CheckName, input: SmokeInput): Promise<CheckResult> {
  const started = performance.now();
  const deadline = AbortSignal.any([ctx.signal, AbortSignal.timeout(input.timeoutMs)]);
  const finish = (status: CheckResult['status'], reason: string | null): CheckResult => ({
    name,
    status,
    durationMs: Math.round(performance.now() - started),
    reason,
  });
  try {
    return finish('pass', await CHECKS[name](ctx, input, deadline));
  } catch (error) {
    if (error instanceof SkipCheck) {
      return finish(input.requireAll ? 'fail' : 'skip', input.requireAll ? `required but skipped: ${error.message}` : error.message);
    }
    if (deadline.aborted && !ctx.signal.aborted) return finish('fail', `did not finish within ${input.timeoutMs} ms`);
    const message = error instanceof Error ? error.message : String(error);
    const hint = error instanceof Error && 'hint' in error && typeof error.hint === 'string' ? ` (${error.hint})` : '';
    return finish('fail', message + hint);
  }
}

/** Runs the selected checks one after another and reports each; never throws for a failed check. */
export async function runSmokeChecks(ctx: Context, input: SmokeInput): Promise<SmokeReport> {
  const checks: CheckResult[] = [];
  for (const name of input.only) {
    ctx.signal.throwIfAborted();
    const spinner = ctx.out.spinner(`${name}…`);
    const result = await runOne(ctx, name, input);
    spinner.stop();
    checks.push(result);
    renderCheck(ctx, result);
  }
  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}

function renderCheck(ctx: Context, check: CheckResult): void {
  if (ctx.out.json) return;
  const c = ctx.out.color;
  const mark = { pass: c.green('✔ pass'), fail: c.red('✘ fail'), skip: c.yellow('- skip') }[check.status];
  const time = `${(check.durationMs / 1000).toFixed(1)} s`.padStart(7);
  ctx.out.line(`${mark}  ${check.name.padEnd(10)} ${time}  ${check.reason ?? ''}`.trimEnd());
}

/**
 * `switchyard smoke`: the checks, then the JUnit report (written even when checks fail, so CI shows why), then
 * the JSON document; exit 1 when any check failed.
 */
export async function runSmoke(ctx: Context, input: SmokeInput & { reportPath?: string }): Promise<SmokeReport> {
  if (input.only.length === 0) throw new UsageError('--only names no check', { hint: 'choose from stripe, webhooks, servicebus' });
  const started = new Date();
  const report = await runSmokeChecks(ctx, input);
  if (input.reportPath) {
    await writeFileAtomic(input.reportPath, toJUnit(report, started));
    ctx.out.info(`JUnit report written to ${input.reportPath}`);
  }
  if (ctx.out.json) ctx.out.jsonLine(report);
  const failed = report.checks.filter((c) => c.status === 'fail');
  if (failed.length) {
    throw new CheckFailedError(`${failed.length} of ${report.checks.length} smoke checks failed: ${failed.map((c) => c.name).join(', ')}`);
  }
  return report;
}
