import { Command } from 'commander';
import type { PaymentIntentResult, PaymentsOptions } from '../../adapters/payments/index.js';
import { createContext, type Context } from '../../core/context.js';
import type { Runtime } from '../../core/runtime.js';
import { renderIntent } from './render.js';
import { openPayments, parseIntentId, sessionSettings, withSessionOptions, type SessionFlags } from './shared.js';

/** Retrieves one PaymentIntent; an unknown id is a usage error (exit 2) with Stripe's message. */
export async function runGet(ctx: Context, id: string, flags: SessionFlags, options: PaymentsOptions = {}): Promise<PaymentIntentResult> {
  const intentId = parseIntentId(id);
  const port = await openPayments(ctx, flags, options);
  return port.retrieve(intentId);
}

export function getCommand(rt: Runtime): Command {
  return withSessionOptions(
    new Command('get').description('show one PaymentIntent').argument('<id>', 'PaymentIntent id (pi_…)'),
  ).action(async (id: string, flags: SessionFlags, command: Command) => {
    const ctx = createContext(rt, command, sessionSettings(flags));
    renderIntent(ctx.out, await runGet(ctx, id, flags));
  });
}
