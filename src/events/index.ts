import { TEMPLATES, type EventTemplate } from './catalog.js';
import { newScene, stripeId } from './scene.js';

export { TEMPLATES, type EventTemplate } from './catalog.js';
export { stripeId } from './scene.js';

/** The API version the events are shaped for: the one the pinned stripe SDK uses. */
export const EVENT_API_VERSION = '2026-10-28.endive';

/** A Stripe event as a webhook endpoint receives it. */
export interface StripeEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export function findTemplate(type: string): EventTemplate | undefined {
  return TEMPLATES.find((t) => t.type === type);
}

/** Builds a realistic test-mode event of a known type: fresh ids, `created` now, livemode false. */
export function buildEvent(type: string, nowSec = Math.floor(Date.now() / 1000)): StripeEvent {
  const template = findTemplate(type);
  if (!template) throw new RangeError(`no event template for ${type}`);
  const scene = newScene(nowSec);
  return {
    id: stripeId('evt'),
    object: 'event',
    api_version: EVENT_API_VERSION,
    created: nowSec,
    data: template.data(scene),
    livemode: false,
    pending_webhooks: 1,
    request: { id: scene.request, idempotency_key: scene.idempotencyKey },
    type,
  };
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = current;
    }
  }
  return row[b.length]!;
}

/** Known types close to a mistyped one: those sharing its prefix or a few edits away, best first. */
export function closeMatches(type: string, max = 5): string[] {
  const wanted = type.toLowerCase();
  const prefix = wanted.split('.')[0] ?? wanted;
  return TEMPLATES.map((t) => ({ type: t.type, score: distance(wanted, t.type) - (t.type.startsWith(prefix + '.') ? 10 : 0) }))
    .filter((c) => c.score <= Math.max(4, Math.floor(wanted.length / 3)))
    .sort((a, b) => a.score - b.score)
    .slice(0, max)
    .map((c) => c.type);
}
