import { spawn, spawnSync } from 'node:child_process';
import { BIN, cleanEnv } from './run-cli.js';

/** util-linux `script` gives the CLI a pseudo-terminal; tests that need one are skipped where it is missing. */
export const hasScript = spawnSync('script', ['--version']).status === 0;

export interface TerminalRun {
  code: number | null;
  /** Everything the terminal showed (stdout and stderr together, as a user sees them). */
  output: string;
}

/** What to type once `prompt` shows: text sent as typed, then Enter; `ctrlC` sends the interrupt key instead. */
export type Answer = [prompt: string, reply: string | { ctrlC: true }];

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`), without CI, answering each prompt once it shows.
 * Ctrl-C is the byte a terminal sends for it (ETX): in raw mode the prompt library reads it, as with a real user.
 */
export function onTerminal(args: string[], answers: Answer[], env: Record<string, string | undefined> = {}): Promise<TerminalRun> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    // A wide terminal, so that prompts are not wrapped in the middle of the words a test looks for.
    const child = spawn('script', ['-qec', `stty cols 200 rows 50 2>/dev/null; ${command}`, '/dev/null'], {
      env: { ...cleanEnv({ CI: undefined, TERM: 'xterm', ...env }) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    const pending = [...answers];
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      output += d;
      const next = pending[0];
      if (next && output.includes(next[0])) {
        pending.shift();
        child.stdin.write(typeof next[1] === 'string' ? `${next[1]}\r` : '\u0003');
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
