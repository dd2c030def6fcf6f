import { Command } from 'commander';
import type { PaymentIntentList, PaymentsOptions } from '../../adapters/payments/index.js';
import { createContext, type Context } from '../../core/context.js';
import { parseInteger } from '../../core/parse.js';
import type { Runtime } from '../../core/runtime.js';
import { renderList } from './render.js';
import { openPayments, sessionSettings, withSessionOptions, type SessionFlags } from './shared.js';

export interface ListFlags extends SessionFlags {
  limit?: string;
  customer?: string;
}

/** The most recent PaymentIntents, newest first (one page of at most --limit). */
export async function runList(ctx: Context, flags: ListFlags, options: PaymentsOptions = {}): Promise<PaymentIntentList> {
  const limit = parseInteger(flags.limit ?? '10', '--limit', 1, 100);
  const port = await openPayments(ctx, flags, options);
  return port.list({ limit, customer: flags.customer });
}

export function listCommand(rt: Runtime): Command {
  return withSessionOptions(
    new Command('list')
      .description('list recent PaymentIntents, newest first')
      .option('--limit <n>', 'how many, 1 to 100', '10')
      .option('--customer <id>', 'only this customer\'s (cus_…)'),
  ).action(async (flags: ListFlags, command: Command) => {
    const ctx = createContext(rt, command, sessionSettings(flags));
    renderList(ctx.out, await runList(ctx, flags));
  });
}
