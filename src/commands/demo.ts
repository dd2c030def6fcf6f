import { Command } from 'commander';
import { createContext } from '../core/context.js';
import type { Runtime } from '../core/runtime.js';

/** `switchyard demo`: the whole toolkit on this machine in a few seconds, with no account, key or config. */
export function demoCommand(rt: Runtime): Command {
  return new Command('demo')
    .description('see it work: webhooks into a local Service Bus emulator, dead letters triaged, resubmitted and drained')
    .addHelpText('after', '\nNeeds no account, key or config; starts everything on 127.0.0.1 and cleans up after itself.')
    .action(async (_flags: unknown, command: Command) => {
      const ctx = createContext(rt, command);
      const { runDemo } = await import('../demo/run.js');
      await runDemo(ctx);
    });
}
