import { randomBytes } from 'node:crypto';
import { createNodeHttpSink, deliver } from '../adapters/http/index.js';
import { signWebhook } from '../adapters/webhooks/index.js';
import { getSetting } from '../core/config.js';
import { buildEvent } from '../events/index.js';
import { startListener, type ListenerEventRecord } from '../listener/index.js';
import type { Check } from './types.js';

const EVENT_TYPE = 'payment_intent.succeeded';

function signedEvent(secret: string | undefined): { body: Buffer; headers: Record<string, string>; id: string } {
  const event = buildEvent(EVENT_TYPE);
  const body = Buffer.from(JSON.stringify(event, null, 2), 'utf8');
  const signature = secret ? signWebhook({ provider: 'stripe', body, secret }) : {};
  return { body, id: event.id, headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'switchyard-smoke', ...signature } };
}

/**
 * Starts a listener in-process on a free loopback port with a fresh secret, sends it a signed
 * payment_intent.succeeded and requires that it arrived and verified. With a webhook URL configured, also sends
 * one to that deployed endpoint (signed with the configured secret) and requires a 2xx.
 */
export const webhooksCheck: Check = async (ctx, input, signal) => {
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const listener = await startListener({ host: '127.0.0.1', port: 0, secret, provider: 'stripe' });
  const http = createNodeHttpSink();
  try {
    const seen = new Promise<ListenerEventRecord>((resolve) => listener.on('event', resolve));
    const local = signedEvent(secret);
    const outcome = await deliver(http, { url: listener.url, headers: local.headers, body: local.body, timeoutMs: input.timeoutMs }, { retries: 0, signal });
    if (!outcome.ok) throw new Error(`the local listener answered ${outcome.status ?? outcome.error}: ${outcome.responseBody ?? ''}`.trim());
    const record = await seen;
    if (record.id !== local.id) throw new Error(`the listener saw ${record.id}, expected ${local.id}`);
    if (!record.verified) throw new Error(`the event arrived but did not verify: ${record.reason}`);
    const proved = [`signed ${EVENT_TYPE} ${local.id} arrived and verified`];

    const url = getSetting(ctx.config, 'webhookUrl');
    if (url) {
      const deployedSecret = getSetting(ctx.config, 'webhookSecret');
      const remote = signedEvent(deployedSecret);
      const sent = await deliver(http, { url, headers: remote.headers, body: remote.body, timeoutMs: input.timeoutMs }, { retries: 2, signal });
      if (!sent.ok) throw new Error(`${url} answered ${sent.status ?? sent.error}`);
      proved.push(`${url} answered ${sent.status} in ${sent.latencyMs} ms${deployedSecret ? '' : ' (sent unsigned: no webhook secret is set)'}`);
    }
    return proved.join('; ');
  } finally {
    http.close();
    await listener.close(1000);
  }
};
