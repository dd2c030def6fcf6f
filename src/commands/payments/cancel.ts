import { Command } from 'commander';
import { newIdempotencyKey, type PaymentIntentResult, type PaymentsOptions } from '../../adapters/payments/index.js';
import { createContext, type Context } from '../../core/context.js';
import type { Runtime } from '../../core/runtime.js';
import { renderIntent } from './render.js';
import { openPayments, parseIntentId, sessionSettings, withSessionOptions, type SessionFlags } from './shared.js';

/** Cancels a PaymentIntent that has not succeeded (an authorisation is released); otherwise a usage error (2). */
export async function runCancel(ctx: Context, id: string, flags: SessionFlags, options: PaymentsOptions = {}): Promise<PaymentIntentResult> {
  const intentId = parseIntentId(id);
  const port = await openPayments(ctx, flags, options);
  const idempotencyKey = newIdempotencyKey();
  ctx.out.debug(`idempotency key: ${idempotencyKey}`);
  return port.cancel(intentId, { idempotencyKey });
}

export function cancelCommand(rt: Runtime): Command {
  return withSessionOptions(
    new Command('cancel').description('cancel a PaymentIntent that has not succeeded').argument('<id>', 'PaymentIntent id (pi_…)'),
  ).action(async (id: string, flags: SessionFlags, command: Command) => {
    const ctx = createContext(rt, command, sessionSettings(flags));
    renderIntent(ctx.out, await runCancel(ctx, id, flags));
  });
}
