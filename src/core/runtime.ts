import type { Readable, Writable } from 'node:stream';

/** The process around a command: streams, environment, working directory and the interrupt signal. */
export interface Runtime {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on the first SIGINT/SIGTERM; long-running commands clean up and then throw InterruptedError. */
  signal: AbortSignal;
}

export function processRuntime(signal: AbortSignal): Runtime {
  return {
    // A getter: process.stdin builds its stream on first use (4 ms of start-up for a file or pipe), and most
    // commands never read it.
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal,
  };
}

/** True when the variable is set to something other than empty, "0" or "false". */
export function envFlag(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = env[name];
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/** True when the run was stopped because the reader of stdout went away (`| head`), not by a signal. */
export function stdoutClosed(signal: AbortSignal): boolean {
  return signal.aborted && (signal.reason as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
}
