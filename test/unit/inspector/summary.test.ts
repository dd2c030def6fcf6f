import { describe, expect, it } from 'vitest';
import { summarise, type Delivery } from '../../../src/inspector/delivery.js';
import { FrameWriter } from '../../../src/inspector/frames.js';
import type { AttemptJson } from '../../../src/inspector/shapes.js';

const attempt: AttemptJson = {
  n: 1, kind: 'forward', mode: null, resigned: false, at: '2026-11-29T20:00:00.000Z', target: 'http://127.0.0.1:3000/"hook"', status: null,
  ok: false, latencyMs: null, tries: 2, error: 'connection refused', retryReasons: ['connection refused'], responseHeaders: null, responseBody: null, sent: null,
};

function delivery(over: Partial<Delivery['ev']> = {}, attempts: AttemptJson[] = [], unchecked = false): Delivery {
  return {
    id: '42', order: 42, source: 'live', attempts, unchecked,
    ev: {
      receivedAt: '2026-11-29T20:00:00.000Z', method: 'POST', path: '/hooks?x="1"&y=\u2028', headers: {}, body: Buffer.from('{"a":1}'), status: 200,
      provider: 'stripe', type: 'payment_intent.succeeded', id: 'evt_1', verified: true, reason: null, duplicate: false, skipped: false, recorded: null,
      ...over,
    },
  };
}

/** What the event stream writes for a delivery, as text. A tiny first buffer makes every write grow it. */
function written(d: Delivery): string {
  const w = new FrameWriter(1);
  w.summary(d);
  return w.done().toString('utf8');
}

describe('FrameWriter#summary', () => {
  const cases: [string, Delivery][] = [
    ['a verified delivery without attempts', delivery()],
    ['a failed one with quotes, backslashes and control characters', delivery({ verified: false, reason: 'bad "sig" \\ \n\t\u0001', type: null, id: null, provider: null, status: 400 })],
    ['an unchecked duplicate with an attempt that got no answer', delivery({ verified: false, duplicate: true, recorded: '/tmp/r/000001-x.json' }, [attempt], true)],
    ['one with a 500 answer', delivery({ skipped: true }, [attempt, { ...attempt, n: 2, status: 500, ok: false, latencyMs: 12 }])],
    ['a recording (no answer of its own)', { ...delivery({ status: null }), id: 'r7', source: 'record' }],
    [
      'non-ASCII, a lone surrogate, DEL and U+2028 in text; an empty body; odd numbers in an attempt',
      delivery({ type: 'café.reçu.✓', id: 'evt_\ud800x', path: '/\u007f/\u2028', body: Buffer.alloc(0), reason: '😀' }, [
        { ...attempt, status: 0, latencyMs: 12.5, target: 'http://127.0.0.1:9/ü' },
        { ...attempt, n: 2, status: 200, ok: true, latencyMs: 1234567890123, target: 'http://127.0.0.1:9/' },
      ]),
    ],
  ];
  for (const [what, d] of cases) {
    it(`is exactly JSON.stringify(summarise(d)): ${what}`, () => {
      expect(written(d)).toBe(JSON.stringify(summarise(d)));
    });
  }
});
