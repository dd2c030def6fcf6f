import { CommanderError, type Command } from 'commander';
import { ExitCode, SwitchyardError, isSwitchyardError } from './core/errors.js';
import { colorLevel } from './core/output.js';
import { createStyle, preloadColor } from './core/style.js';
import { stdoutClosed, type Runtime } from './core/runtime.js';
import { buildProgram } from './program.js';

const REPORT_URL = 'https://github.com/switchyard-cli/switchyard/issues';

interface Rendered {
  code: number;
  error?: { code: string; message: string; hint?: string };
  detail?: string;
}

/** The one mapping from anything thrown to an exit code and what the user is told. */
function classify(error: unknown, verbose: boolean, usagePath: string): Rendered {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return { code: ExitCode.ok };
    // A group without its verb: commander has already printed the group's help on stderr.
    if (error.code === 'commander.help') return { code: ExitCode.usage };
    // commander puts its suggestion on a second line ("\n(Did you mean verify?)"): one line, one sentence.
    const message = error.message
      .replace(/^error:\s*/i, '')
      .replace(/\s*\n\s*\(Did you mean (.+?)\)/, ' (did you mean $1)')
      .replace(/\s*\n\s*/g, ' ');
    return { code: ExitCode.usage, error: { code: 'usage', message, hint: `see '${usagePath} --help'` } };
  }
  if (isSwitchyardError(error)) {
    const details: string[] = [];
    if (verbose && error.requestId) details.push(`request id: ${error.requestId}`);
    if (verbose && error.cause !== undefined) details.push(`cause: ${describeCause(error.cause)}`);
    return {
      code: error.exitCode,
      error: { code: error.code, message: error.message, hint: error.hint },
      detail: details.join('\n') || undefined,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: ExitCode.internal,
    error: {
      code: 'internal',
      message: `internal error: ${message}`,
      hint: `this is a bug in switchyard; please report it at ${REPORT_URL}${verbose ? '' : ' with the output of --verbose'}`,
    },
    detail: verbose && error instanceof Error ? error.stack : undefined,
  };
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return String(cause);
}

/** Message and hint as one line: the hint is a new sentence, so it starts upper-case after a full stop. */
export function joinLine(message: string, hint?: string): string {
  if (!hint) return message;
  if (message.endsWith(':')) return `${message} ${hint}`;
  const sentence = `${hint[0]?.toUpperCase() ?? ''}${hint.slice(1)}`;
  return /[.!?]$/.test(message) ? `${message} ${sentence}` : `${message}. ${sentence}`;
}

function report(rt: Runtime, rendered: Rendered, json: boolean, color: boolean | undefined): void {
  if (!rendered.error) return;
  if (json) {
    rt.stderr.write(JSON.stringify({ error: { ...rendered.error, hint: rendered.error.hint ?? null } }) + '\n');
  } else if (rendered.error.code === 'cancelled') {
    // Not a failure: the user chose to stop. One quiet line, no "error:".
    rt.stderr.write(`${joinLine(rendered.error.message, rendered.error.hint)}\n`);
  } else {
    const c = createStyle(colorLevel(rt.env, rt.stderr.isTTY, color));
    rt.stderr.write(`${c.red('error:')} ${joinLine(rendered.error.message, rendered.error.hint)}\n`);
  }
  if (rendered.detail) rt.stderr.write(rendered.detail + '\n');
}

/**
 * Parses argv, runs the command and turns whatever it threw into the documented exit code and one line on stderr.
 * Returns the exit code; only src/main.ts applies it to the process. `build` lets tests run a program of their own.
 */
export async function runCli(
  argv: string[],
  rt: Runtime,
  build: (rt: Runtime, argv: string[]) => Command | Promise<Command> = buildProgram,
): Promise<number> {
  const json = argv.includes('--json');
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  const color = argv.includes('--no-color') ? false : undefined;
  if (colorLevel(rt.env, rt.stdout.isTTY, color) > 0 || colorLevel(rt.env, rt.stderr.isTTY, color) > 0) await preloadColor();
  const program = await build(rt, argv);
  // Subcommands were built before this point, so the override must reach every one of them: otherwise commander
  // exits the process itself (code 1) for a subcommand's unknown flag.
  let failing: Command | undefined;
  const configure = (command: Command): void => {
    command.exitOverride();
    command.configureOutput({
      writeOut: (s) => rt.stdout.write(s),
      writeErr: (s) => rt.stderr.write(s),
      // Usage errors are printed by report(), in the same one-line form as every other error; remember which
      // command raised it so the hint can point at that command's help.
      outputError: () => {
        failing = command;
      },
    });
    command.commands.forEach(configure);
  };
  configure(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return rt.signal.aborted && !stdoutClosed(rt.signal) ? ExitCode.interrupted : ExitCode.ok;
  } catch (error) {
    const ownCode = error instanceof SwitchyardError && error.exitCode !== ExitCode.interrupted;
    // The reader of stdout went away (`| head`) and the command stopped because of it: it has what it wanted.
    if (stdoutClosed(rt.signal) && !ownCode) return ExitCode.ok;
    const rendered = classify(error, verbose, failing ? commandPath(failing) : 'switchyard');
    report(rt, rendered, json, color);
    // An error caused by the interruption itself (an aborted wait, a closed socket) is still an interruption.
    return rt.signal.aborted && !ownCode ? ExitCode.interrupted : rendered.code;
  }
}
