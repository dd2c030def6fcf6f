import { Command } from 'commander';
import { newIdempotencyKey, type PaymentIntentResult, type PaymentsOptions } from '../../adapters/payments/index.js';
import { createContext, type Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import type { Runtime } from '../../core/runtime.js';
import { renderIntent } from './render.js';
import { openPayments, parseIntentId, sessionSettings, withSessionOptions, type SessionFlags } from './shared.js';

export interface ConfirmFlags extends SessionFlags {
  paymentMethod?: string;
  returnUrl?: string;
}

/** Confirms a PaymentIntent, optionally with a (new) payment method; a decline exits 1 with its decline code. */
export async function runConfirm(ctx: Context, id: string, flags: ConfirmFlags, options: PaymentsOptions = {}): Promise<PaymentIntentResult> {
  const intentId = parseIntentId(id);
  if (flags.returnUrl !== undefined && !URL.canParse(flags.returnUrl)) {
    throw new UsageError(`invalid --return-url "${flags.returnUrl}"`, { hint: 'give an absolute URL such as https://example.com/done' });
  }
  const port = await openPayments(ctx, flags, options);
  const idempotencyKey = newIdempotencyKey();
  ctx.out.debug(`idempotency key: ${idempotencyKey}`);
  return port.confirm(intentId, { paymentMethod: flags.paymentMethod, returnUrl: flags.returnUrl, idempotencyKey });
}

export function confirmCommand(rt: Runtime): Command {
  return withSessionOptions(
    new Command('confirm')
      .description('confirm a PaymentIntent (charges, or authorises with manual capture)')
      .argument('<id>', 'PaymentIntent id (pi_…)')
      .option('--payment-method <pm>', 'payment method to confirm with, e.g. pm_card_visa')
      .option('--return-url <url>', 'where the customer returns after authenticating (3-D Secure)'),
  ).action(async (id: string, flags: ConfirmFlags, command: Command) => {
    const ctx = createContext(rt, command, sessionSettings(flags));
    renderIntent(ctx.out, await runConfirm(ctx, id, flags));
  });
}
