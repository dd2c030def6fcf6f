import { PassThrough, Writable } from 'node:stream';
import type { Runtime } from '../../src/core/runtime.js';

/** A stream that keeps what was written, and says whether it is a terminal. */
export class Capture extends Writable {
  text = '';
  constructor(
    public isTTY: boolean,
    public columns = 80,
  ) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

export interface FakeRuntime extends Runtime {
  stdout: Capture;
  stderr: Capture;
  abort(): void;
}

/** A runtime with captured streams, for calling commands and runCli in-process. */
export function fakeRuntime(options: { tty?: boolean; env?: NodeJS.ProcessEnv; cwd?: string; columns?: number } = {}): FakeRuntime {
  const controller = new AbortController();
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  stdin.isTTY = options.tty ?? false;
  stdin.end();
  return {
    stdin,
    stdout: new Capture(options.tty ?? false, options.columns),
    stderr: new Capture(options.tty ?? false, options.columns),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    signal: controller.signal,
    abort: () => controller.abort(new Error('interrupted')),
  };
}
