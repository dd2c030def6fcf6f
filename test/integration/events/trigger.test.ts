import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/core/config.js';
import { contextFor } from '../../../src/core/context.js';
import { CheckFailedError, UnavailableError, UsageError } from '../../../src/core/errors.js';
import { TEMPLATES } from '../../../src/events/index.js';
import { runTrigger } from '../../../src/events/trigger.js';
import { fakeRuntime } from '../../support/fake-runtime.js';
import { startPeer, stripeValid, type Peer } from '../listener/peer.js';

const SECRET = 'whsec_triggerTestSecret0123456789abcdef01';
const peers: Peer[] = [];
afterEach(async () => {
  while (peers.length) await peers.pop()!.close();
});

function context(json = true, secret: string | undefined = SECRET) {
  const rt = fakeRuntime();
  const ctx = contextFor(rt, loadConfig({}, { webhookSecret: secret }), { json });
  return { rt, ctx };
}
const flags = (to: string) => ({ to, header: [], timeout: '5s', retries: '0' });

describe('runTrigger', () => {
  it('sends every template signed, and the receiver verifies it and finds the right object', async () => {
    const app = await startPeer();
    peers.push(app);
    for (const template of TEMPLATES) {
      const { rt, ctx } = context();
      await runTrigger(ctx, template.type, flags(app.url));
      const line = JSON.parse(rt.stdout.text) as { type: string; id: string; status: number };
      expect(line).toMatchObject({ type: template.type, status: 200, ok: true, signed: true });
    }
    expect(app.requests).toHaveLength(TEMPLATES.length);
    app.requests.forEach((request, i) => {
      expect(stripeValid(request.headers['stripe-signature'], request.body, SECRET)).toBe(true);
      expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
      const event = JSON.parse(request.body.toString('utf8')) as { type: string; livemode: boolean; data: { object: { id: string; object: string } } };
      expect(event.type).toBe(TEMPLATES[i]!.type);
      expect(event.livemode).toBe(false);
      expect(event.data.object.id).toMatch(/^[a-z_]+_[A-Za-z0-9]+$/);
    });
  });

  it('prints an arrival and an answer line for people', async () => {
    const app = await startPeer();
    peers.push(app);
    const { rt, ctx } = context(false);
    await runTrigger(ctx, 'invoice.paid', flags(app.url));
    const [sent, answered] = rt.stdout.text.trimEnd().split('\n');
    expect(sent).toMatch(/^--> invoice\.paid \[evt_\w+\] signed$/);
    expect(answered).toMatch(new RegExp(`^<-- \\[200\\] POST ${app.url}/ \\[evt_\\w+\\] \\d+ ms$`));
  });

  it('fails the check on a non-2xx answer, and is unavailable when nothing answers', async () => {
    const app = await startPeer(() => ({ status: 400, body: 'No signatures found matching the expected signature' }));
    peers.push(app);
    await expect(runTrigger(context().ctx, 'charge.succeeded', flags(app.url))).rejects.toBeInstanceOf(CheckFailedError);
    await app.close();
    peers.pop();
    await expect(runTrigger(context().ctx, 'charge.succeeded', flags(app.url))).rejects.toBeInstanceOf(UnavailableError);
  });

  it('refuses an unknown type and names the close ones', async () => {
    const error = await runTrigger(context().ctx, 'payment_intent.succeded', flags('http://127.0.0.1:9/')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain('payment_intent.succeeded');
  });

  it('lists the templates as one JSON document', async () => {
    const { rt, ctx } = context(true);
    await runTrigger(ctx, undefined, { list: true, header: [], timeout: '5s', retries: '0' });
    const list = JSON.parse(rt.stdout.text) as { type: string }[];
    expect(list.map((t) => t.type)).toEqual(TEMPLATES.map((t) => t.type));
  });
});
