import { Command } from 'commander';
import type { Runtime } from './core/runtime.js';

export const VERSION = '0.1.0';

type Builder = (rt: Runtime) => Command;

/**
 * The top-level commands, in the order `--help` lists them. Each is loaded only when argv names it (or when
 * completion needs the whole tree): start-up is a goal, and a command's module graph should cost nothing to a run
 * of another command. The descriptions live here so `--help` needs no command module at all.
 */
const COMMANDS: { name: string; summary: string; load: () => Promise<Builder> }[] = [
  { name: 'payments', summary: 'create and manage Stripe PaymentIntents (test mode by default)', load: async () => (await import('./commands/payments/index.js')).paymentsCommand },
  { name: 'webhooks', summary: 'sign, verify, record, replay and receive webhooks', load: async () => (await import('./commands/webhooks/index.js')).webhooksCommand },
  { name: 'queue', summary: 'peek, triage, drain, send, resubmit and purge Service Bus messages; list entities', load: async () => (await import('./commands/queue/index.js')).queueCommand },
  { name: 'emulator', summary: 'run a local Service Bus-compatible emulator (AMQP 1.0)', load: async () => (await import('./commands/emulator.js')).emulatorCommand },
  { name: 'smoke', summary: 'check Stripe (test mode), webhook signing and Service Bus end to end, for CI', load: async () => (await import('./commands/smoke.js')).smokeCommand },
  { name: 'demo', summary: 'see it work in seconds: no account, key or config needed', load: async () => (await import('./commands/demo.js')).demoCommand },
  { name: 'doctor', summary: 'show every setting with its source (secrets masked) and check that each one works', load: async () => (await import('./commands/doctor.js')).doctorCommand },
  { name: 'completion', summary: 'print a shell completion script (bash, zsh or fish)', load: async () => (await import('./commands/completion.js')).completionCommand },
];

/** Global options that take a value, so the value is not mistaken for a command name. */
const VALUE_OPTIONS = new Set(['--config', '--profile']);

/** The top-level command argv names, if any (`help <name>` counts too). */
export function commandNamed(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return argv[i + 1];
    if (VALUE_OPTIONS.has(arg)) {
      i += 1;
      continue;
    }
    if (arg.startsWith('-')) continue;
    return arg === 'help' ? (argv[i + 1] ?? arg) : arg;
  }
  return undefined;
}

/**
 * The command tree for this argv: the named command fully built, the others as name-and-summary entries that
 * `--help` lists. `completion` loads every command, since it describes the whole tree.
 */
export async function buildProgram(rt: Runtime, argv: readonly string[] = []): Promise<Command> {
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
  const named = commandNamed(argv);
  const everything = named === 'completion';
  for (const entry of COMMANDS) {
    const command = entry.name === named || everything ? (await entry.load())(rt) : new Command(entry.name);
    program.addCommand(command.description(entry.summary));
  }
  return program;
}
