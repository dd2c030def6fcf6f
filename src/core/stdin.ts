import { addAbortSignal } from 'node:stream';
import { InterruptedError } from './errors.js';
import type { Runtime } from './runtime.js';

/**
 * All of stdin, or InterruptedError once the run's signal aborts (Ctrl-C, SIGTERM): a command waiting for input
 * that never ends (a terminal, a stuck pipe) must stop at the first interrupt, and never act on half the input.
 */
export async function readStdin(rt: Runtime): Promise<Buffer> {
  if (rt.signal.aborted) throw new InterruptedError('interrupted while reading stdin: nothing was done');
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of addAbortSignal(rt.signal, rt.stdin)) {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    }
  } catch (error) {
    if (rt.signal.aborted) throw new InterruptedError('interrupted while reading stdin: nothing was done');
    throw error;
  }
  return Buffer.concat(chunks);
}
