import { Command } from 'commander';
import type { Runtime } from '../../core/runtime.js';

/** `switchyard payments …`: Stripe PaymentIntents, test mode by default. */
export function paymentsCommand(rt: Runtime): Command {
  void rt;
  return new Command('payments').description('create and manage Stripe PaymentIntents (test mode by default)');
}
