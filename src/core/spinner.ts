import type { Writable } from 'node:stream';
import { importEsm } from './esm-import.js';

/** What commands may do with a spinner; the no-op one lets them call it unconditionally. */
export interface Spinner {
  text(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

const noop: Spinner = { text() {}, succeed() {}, fail() {}, stop() {} };

/**
 * An ora spinner on `stream`, or a no-op without one. ora is imported lazily: most runs (pipes, CI, --json)
 * never need it, and start-up time matters.
 */
export function createSpinner(initial: string, stream: Writable | undefined): Spinner {
  if (!stream) return noop;
  let current = initial;
  let done: { kind: 'succeed' | 'fail' | 'stop'; text?: string } | undefined;
  let real: import('ora').Ora | undefined;
  void importEsm<typeof import('ora')>('ora').then(({ default: ora }) => {
    if (done) return;
    real = ora({ text: current, stream: stream as NodeJS.WriteStream, discardStdin: false }).start();
  });
  const finish = (kind: 'succeed' | 'fail' | 'stop', text?: string) => {
    done = { kind, text };
    if (!real) return;
    if (kind === 'stop') real.stop();
    else real[kind](text);
  };
  return {
    text(text) {
      current = text;
      if (real) real.text = text;
    },
    succeed: (text) => finish('succeed', text),
    fail: (text) => finish('fail', text),
    stop: () => finish('stop'),
  };
}
