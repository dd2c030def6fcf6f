import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { withCallSignal } from '../../../src/core/abort.js';

describe('withCallSignal', () => {
  it('leaves no listener on the parent signal however many calls ran, even when the callee never cleans up', async () => {
    const parent = new AbortController();
    for (let i = 0; i < 50; i++) {
      await withCallSignal(parent.signal, async (signal) => {
        // Like the Service Bus SDK: a listener added and never removed.
        signal?.addEventListener('abort', () => {});
      });
    }
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(0);
  });

  it('aborts the call when the parent aborts, with the parent reason', async () => {
    const parent = new AbortController();
    const reason = new Error('interrupted');
    const seen = await withCallSignal(parent.signal, (signal) => {
      parent.abort(reason);
      return Promise.resolve(signal?.reason);
    });
    expect(seen).toBe(reason);
  });

  it('starts aborted when the parent already is, and passes undefined without a parent', async () => {
    const parent = new AbortController();
    parent.abort();
    expect(await withCallSignal(parent.signal, async (s) => s?.aborted)).toBe(true);
    expect(await withCallSignal(undefined, async (s) => s)).toBeUndefined();
  });
});
