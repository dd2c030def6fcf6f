import { Command } from 'commander';
import type { Runtime } from '../../core/runtime.js';

/** `switchyard queue …`: Azure Service Bus queues, subscriptions and their dead letters. */
export function queueCommand(rt: Runtime): Command {
  void rt;
  return new Command('queue').description('peek, triage, drain, send and resubmit Service Bus messages');
}
