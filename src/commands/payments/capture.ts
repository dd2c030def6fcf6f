import { Command } from 'commander';
import { newIdempotencyKey, type PaymentIntentResult, type PaymentsOptions } from '../../adapters/payments/index.js';
import { createContext, type Context } from '../../core/context.js';
import type { Runtime } from '../../core/runtime.js';
import { renderIntent } from './render.js';
import { openPayments, parseIntentId, sessionSettings, withSessionOptions, type SessionFlags } from './shared.js';

/** Captures the authorised amount of a requires_capture PaymentIntent; any other status is a usage error (2). */
export async function runCapture(ctx: Context, id: string, flags: SessionFlags, options: PaymentsOptions = {}): Promise<PaymentIntentResult> {
  const intentId = parseIntentId(id);
  const port = await openPayments(ctx, flags, options);
  const idempotencyKey = newIdempotencyKey();
  ctx.out.debug(`idempotency key: ${idempotencyKey}`);
  return port.capture(intentId, { idempotencyKey });
}

export function captureCommand(rt: Runtime): Command {
  return withSessionOptions(
    new Command('capture')
      .description('capture the funds of a PaymentIntent created with --capture-method manual')
      .argument('<id>', 'PaymentIntent id (pi_…)'),
  ).action(async (id: string, flags: SessionFlags, command: Command) => {
    const ctx = createContext(rt, command, sessionSettings(flags));
    renderIntent(ctx.out, await runCapture(ctx, id, flags));
  });
}
