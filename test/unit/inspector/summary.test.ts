import { describe, expect, it } from 'vitest';
import { summarise, summaryJson, type Delivery } from '../../../src/inspector/delivery.js';
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

describe('summaryJson', () => {
  const cases: [string, Delivery][] = [
    ['a verified delivery without attempts', delivery()],
    ['a failed one with quotes, backslashes and control characters', delivery({ verified: false, reason: 'bad "sig" \\ \n\t\u0001', type: null, id: null, provider: null, status: 400 })],
    ['an unchecked duplicate with an attempt that got no answer', delivery({ verified: false, duplicate: true, recorded: '/tmp/r/000001-x.json' }, [attempt], true)],
    ['one with a 500 answer', delivery({ skipped: true }, [attempt, { ...attempt, n: 2, status: 500, ok: false, latencyMs: 12 }])],
    ['a recording (no answer of its own)', { ...delivery({ status: null }), id: 'r7', source: 'record' }],
  ];
  for (const [what, d] of cases) {
    it(`is exactly JSON.stringify(summarise(d)): ${what}`, () => {
      expect(summaryJson(d)).toBe(JSON.stringify(summarise(d)));
    });
  }
});
