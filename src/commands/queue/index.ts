import { Command } from 'commander';
import type { Runtime } from '../../core/runtime.js';
import { drainCommand } from './drain.js';
import { listCommand } from './list.js';
import { peekCommand } from './peek.js';
import { purgeCommand } from './purge.js';
import { resubmitCommand } from './resubmit.js';
import { sendCommand } from './send.js';
import { sessionsCommand } from './sessions.js';
import { triageCommand } from './triage.js';

/** `switchyard queue …`: Azure Service Bus queues, subscriptions and their dead letters. */
export function queueCommand(rt: Runtime): Command {
  return new Command('queue')
    .description('peek, triage, drain, send, resubmit and purge Service Bus messages; list entities and sessions')
    .addCommand(peekCommand(rt))
    .addCommand(triageCommand(rt))
    .addCommand(drainCommand(rt))
    .addCommand(sendCommand(rt))
    .addCommand(resubmitCommand(rt))
    .addCommand(purgeCommand(rt))
    .addCommand(listCommand(rt))
    .addCommand(sessionsCommand(rt));
}
