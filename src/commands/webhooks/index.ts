import { Command } from 'commander';
import type { Runtime } from '../../core/runtime.js';
import { inspectCommand } from './inspect.js';
import { keygenCommand } from './keygen.js';
import { listenCommand } from './listen.js';
import { replayCommand } from './replay.js';
import { signCommand } from './sign.js';
import { triggerCommand } from './trigger.js';
import { verifyCommand } from './verify.js';

/** `switchyard webhooks …`: sign, verify, replay, trigger, listen, inspect and keygen. */
export function webhooksCommand(rt: Runtime): Command {
  return new Command('webhooks')
    .description('sign, verify, record, replay and receive webhooks')
    .addCommand(signCommand(rt))
    .addCommand(verifyCommand(rt))
    .addCommand(listenCommand(rt))
    .addCommand(inspectCommand(rt))
    .addCommand(replayCommand(rt))
    .addCommand(triggerCommand(rt))
    .addCommand(keygenCommand(rt));
}
