import { runCli } from './cli.js';
import { ExitCode } from './core/errors.js';
import { processRuntime } from './core/runtime.js';

function flush(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    if (!(stream as NodeJS.WriteStream).writableNeedDrain) return resolve();
    stream.once('drain', () => resolve());
  });
}

/** The process entry point: signals, the exit code, and nothing else. */
async function main(): Promise<void> {
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
  // `switchyard … | head` closes the pipe early: the reader has what it wanted. The command still finishes (a drain
  // must complete what it wrote to its file), its further output goes nowhere, and no stack trace is printed.
  const ignoreClosedPipe = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  };
  process.stdout.on('error', ignoreClosedPipe);
  process.stderr.on('error', ignoreClosedPipe);
  const code = await runCli(process.argv.slice(2), processRuntime(interrupt.signal));
  await Promise.all([flush(process.stdout), flush(process.stderr)]);
  process.exitCode = code;
  // SDKs can leave timers and sockets behind; once our output is flushed nothing else is owed to the user.
  process.exit(code);
}

void main();
