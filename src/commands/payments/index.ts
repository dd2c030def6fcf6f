import { Command } from 'commander';
import type { Runtime } from '../../core/runtime.js';
import { cancelCommand } from './cancel.js';
import { captureCommand } from './capture.js';
import { confirmCommand } from './confirm.js';
import { createCommand } from './create.js';
import { getCommand } from './get.js';
import { listCommand } from './list.js';
import { serveCommand } from './serve.js';

/** `switchyard payments …`: Stripe PaymentIntents, test mode by default. No verb loads the SDK until it calls the API. */
export function paymentsCommand(rt: Runtime): Command {
  return new Command('payments')
    .description('create and manage Stripe PaymentIntents (test mode by default)')
    .addCommand(createCommand(rt))
    .addCommand(getCommand(rt))
    .addCommand(listCommand(rt))
    .addCommand(confirmCommand(rt))
    .addCommand(captureCommand(rt))
    .addCommand(cancelCommand(rt))
    .addCommand(serveCommand(rt));
}
