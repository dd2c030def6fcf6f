import type { Context } from '../core/context.js';

export type CheckName = 'stripe' | 'webhooks' | 'servicebus';
export const CHECK_NAMES: readonly CheckName[] = ['stripe', 'webhooks', 'servicebus'];
export type CheckStatus = 'pass' | 'fail' | 'skip';

/** One line of the smoke report (the `checks[]` entries of DESIGN.md's JSON shape). */
export interface CheckResult {
  name: CheckName;
  status: CheckStatus;
  durationMs: number;
  /** Why it failed or was skipped; on a pass, what it proved. */
  reason: string | null;
}

export interface SmokeReport {
  ok: boolean;
  checks: CheckResult[];
}

/** What the checks may be told beyond the settings in ctx.config. */
export interface SmokeInput {
  only: CheckName[];
  requireAll: boolean;
  /** Canary queue for the servicebus check. */
  queue: string;
  /** Per-check deadline. */
  timeoutMs: number;
}

/** Thrown by a check whose settings are absent: the check is reported as skipped with this reason. */
export class SkipCheck extends Error {}

/** A check: resolves with what it proved, throws SkipCheck to be skipped, throws anything else to fail. */
export type Check = (ctx: Context, input: SmokeInput, signal: AbortSignal) => Promise<string>;
