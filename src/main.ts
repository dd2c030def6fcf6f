import { runCli } from './cli.js';
import { ExitCode } from './core/errors.js';
import { processRuntime } from './core/runtime.js';

function flush(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    if (!(stream as NodeJS.WriteStream).writableNeedDrain || (stream as NodeJS.WriteStream).destroyed) return resolve();
    stream.once('drain', () => resolve());
    stream.once('close', () => resolve());
  });
}

/**
 * Node warns (DEP0123) whenever a TLS connection is opened to an IP address with a server name, which the AMQP
 * stack does for `Endpoint=sb://10.0.0.5`: noise the user cannot act on, in the middle of our one-line errors.
 * Only that warning is dropped; every other one still reaches stderr.
 */
function silenceIpServerNameWarning(): void {
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
    const options = rest[0];
    const code = typeof options === 'object' && options !== null ? (options as { code?: string }).code : rest[1];
    if (code === 'DEP0123') return;
    emit(warning, ...rest);
  }) as typeof process.emitWarning;
}

/** The process entry point: signals, the exit code, and nothing else. */
async function main(): Promise<void> {
  silenceIpServerNameWarning();
  const interrupt = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    // The first signal asks the command to finish cleanly; a second one means the user will not wait.
    if (interrupts > 1) process.exit(ExitCode.interrupted);
    interrupt.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // `switchyard … | head` closes the pipe early: the reader has what it wanted. The command is asked to stop as it
  // would be by Ctrl-C (a drain still completes what it wrote to its file), with the EPIPE error as the reason so
  // that runCli ends quietly with exit 0; its further output goes nowhere, and no stack trace is printed.
  const closedPipe = (error: NodeJS.ErrnoException) => error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED';
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (!closedPipe(error)) throw error;
    if (!interrupt.signal.aborted) interrupt.abort(error);
  });
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (!closedPipe(error)) throw error;
  });
  const code = await runCli(process.argv.slice(2), processRuntime(interrupt.signal));
  await Promise.all([flush(process.stdout), flush(process.stderr)]);
  process.exitCode = code;
  // SDKs can leave timers and sockets behind; once our output is flushed nothing else is owed to the user.
  process.exit(code);
}

void main();
