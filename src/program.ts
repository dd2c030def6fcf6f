import { Command } from 'commander';
import type { Runtime } from './core/runtime.js';
import { completionCommand } from './commands/completion.js';
import { doctorCommand } from './commands/doctor.js';
import { emulatorCommand } from './commands/emulator.js';
import { paymentsCommand } from './commands/payments/index.js';
import { smokeCommand } from './commands/smoke.js';
import { queueCommand } from './commands/queue/index.js';
import { webhooksCommand } from './commands/webhooks/index.js';

/** The whole command tree. Command modules import no SDK at load time, so `--help` stays fast. */
export function buildProgram(rt: Runtime): Command {
  const program = new Command('switchyard')
    .description('Payments, webhooks and Service Bus dead letters, from one scriptable CLI.')
    .version(VERSION, '-V, --version')
    .option('--json', 'machine-readable output on stdout (one document, or one object per line for streams)')
    .option('-q, --quiet', 'print only data and errors')
    .option('-v, --verbose', 'more detail on stderr: causes, request ids, response bodies')
    .option('--no-color', 'no colour (also NO_COLOR=1, or when not a terminal)')
    .option('--no-input', 'never prompt; a missing value is a usage error (also CI=true)')
    .option('--config <file>', 'config file (default ./switchyard.config.json, then the user config directory)')
    .option('--profile <name>', 'named profile in the config file (also SWITCHYARD_PROFILE)')
    .showHelpAfterError(false)
    .configureHelp({ sortSubcommands: false });
  program.addCommand(paymentsCommand(rt));
  program.addCommand(webhooksCommand(rt));
  program.addCommand(queueCommand(rt));
  program.addCommand(emulatorCommand(rt));
  program.addCommand(smokeCommand(rt));
  program.addCommand(doctorCommand(rt));
  program.addCommand(completionCommand(rt));
  return program;
}

export const VERSION = '0.1.0';
