import { createPaymentsPort, keyMode } from '../adapters/payments/index.js';
import {
  createQueueAdmin,
  createQueuePort,
  isDevelopmentEmulator,
  parseEntity,
  resolveQueueConnection,
  type EntityRef,
  type QueueAdminPort,
  type QueueConnection,
} from '../adapters/queue/index.js';
import { PROVIDERS } from '../adapters/webhooks/scheme.js';
import { getSetting } from '../core/config.js';
import type { Context } from '../core/context.js';
import { AuthError, ConfigError, SwitchyardError, UsageError } from '../core/errors.js';

export type DoctorStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** One line of `doctor`: what was checked and what was found. */
export interface DoctorCheck {
  name: string;
  status: DoctorStatus;
  detail: string;
}

const MIN_NODE = [20, 19];

export function nodeCheck(version = process.versions.node): DoctorCheck {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const ok = major > MIN_NODE[0]! || (major === MIN_NODE[0] && minor >= MIN_NODE[1]!);
  return { name: 'node', status: ok ? 'ok' : 'fail', detail: `Node.js ${version}${ok ? '' : `; switchyard needs ${MIN_NODE.join('.')} or newer`}` };
}

/** The key's mode, and whether the API answers it (a read: listing one PaymentIntent). */
export async function stripeChecks(ctx: Context, live: boolean, timeoutMs: number): Promise<DoctorCheck[]> {
  const key = ctx.config.settings.stripeApiKey;
  if (!key) return [{ name: 'stripe key', status: 'skip', detail: 'STRIPE_API_KEY is not set' }];
  let apiKey: string;
  try {
    apiKey = getSetting(ctx.config, 'stripeApiKey')!;
  } catch (error) {
    return [{ name: 'stripe key', status: 'fail', detail: (error as Error).message }];
  }
  const mode = keyMode(apiKey);
  const keyLine: DoctorCheck = { name: 'stripe key', status: 'ok', detail: `${mode} mode, from ${key.source}` };
  if (mode === 'live' && !live) {
    return [{ ...keyLine, status: 'warn', detail: `${keyLine.detail}; not sent to the API without --live` }];
  }
  try {
    const payments = await createPaymentsPort(ctx.config, { allowLive: live, timeoutMs, retries: 1, signal: ctx.signal });
    const page = await payments.list({ limit: 1 });
    return [keyLine, { name: 'stripe api', status: 'ok', detail: `answered${page.requestId ? ` (request ${page.requestId})` : ''}` }];
  } catch (error) {
    return [keyLine, { name: 'stripe api', status: 'fail', detail: describe(error) }];
  }
}

/** Whether the secret fits the provider it is meant for: whsec_ for Stripe and Standard Webhooks, none otherwise. */
export function webhookSecretCheck(ctx: Context): DoctorCheck {
  const loaded = ctx.config.settings.webhookSecret;
  if (!loaded) return { name: 'webhook secret', status: 'skip', detail: 'SWITCHYARD_WEBHOOK_SECRET is not set' };
  let secret: string;
  try {
    secret = getSetting(ctx.config, 'webhookSecret')!;
  } catch (error) {
    return { name: 'webhook secret', status: 'fail', detail: (error as Error).message };
  }
  const provider = getSetting(ctx.config, 'webhookProvider') ?? 'auto';
  const prefixed = secret.startsWith('whsec_');
  const from = `from ${loaded.source}`;
  if (secret !== secret.trim()) return { name: 'webhook secret', status: 'fail', detail: `has leading or trailing white space (${from})` };
  if ((provider === 'stripe' || provider === 'standard') && !prefixed) {
    return { name: 'webhook secret', status: 'warn', detail: `has no whsec_ prefix, which ${provider} secrets carry (${from})` };
  }
  if (provider === 'standard' && !/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret)) {
    return { name: 'webhook secret', status: 'fail', detail: `the part after whsec_ is not base64, as Standard Webhooks requires (${from})` };
  }
  // Custom schemes are left out: one may well decode a whsec_ secret.
  const plain = (PROVIDERS as readonly string[]).includes(provider) && provider !== 'stripe' && provider !== 'standard';
  if (plain && prefixed) {
    return { name: 'webhook secret', status: 'warn', detail: `starts with whsec_, which ${provider} secrets do not (${from})` };
  }
  const fits = prefixed ? 'Stripe and Standard Webhooks' : 'the providers other than Stripe and Standard Webhooks';
  return { name: 'webhook secret', status: 'ok', detail: `${prefixed ? 'whsec_' : 'no whsec_'} prefix: fits ${fits} (${from})` };
}

/**
 * Checks each entity through the management API, which never creates one (the emulator creates entities on first
 * AMQP use, so a peek would). Where Service Bus's management API refuses the credentials (a key without Manage),
 * the entity is peeked instead, which proves the credentials and existence (Service Bus never creates on use).
 * Without named entities the smoke queue is looked up, and its absence is only a warning.
 */
export async function serviceBusChecks(ctx: Context, entities: string[], timeoutMs: number): Promise<DoctorCheck[]> {
  let connection: QueueConnection;
  try {
    connection = resolveQueueConnection(ctx.config);
  } catch (error) {
    if (error instanceof ConfigError && /no Service Bus connection/.test(error.message)) {
      return [{ name: 'service bus', status: 'skip', detail: 'SERVICEBUS_CONNECTION_STRING is not set (nor --namespace)' }];
    }
    return [{ name: 'service bus', status: 'fail', detail: describe(error) }];
  }
  const named = entities.length > 0;
  const emulator = isDevelopmentEmulator(connection);
  let admin: QueueAdminPort;
  try {
    admin = await createQueueAdmin(ctx.config, { timeoutMs, maxRetries: 0 });
  } catch (error) {
    return [{ name: 'service bus', status: 'fail', detail: describe(error) }];
  }
  const results: DoctorCheck[] = [];
  for (const name of named ? entities : ['switchyard-smoke']) {
    const label = `entity ${name}`;
    let entity: EntityRef;
    try {
      entity = parseEntity(name, false);
    } catch (error) {
      results.push({ name: label, status: 'fail', detail: describe(error) });
      continue;
    }
    try {
      const found = await admin.exists(entity, { signal: ctx.signal });
      if (found) results.push({ name: label, status: 'ok', detail: `exists on ${admin.namespace}` });
      else if (named) results.push({ name: label, status: 'fail', detail: `Service Bus entity "${name}" does not exist on ${admin.namespace}` });
      else results.push({ name: label, status: 'warn', detail: `credentials accepted by ${admin.namespace}; the smoke queue does not exist yet` });
    } catch (error) {
      // Never a peek on an emulator: it creates what it looks at.
      if (error instanceof AuthError && !emulator) results.push(await peekCheck(ctx, label, entity, named, timeoutMs, describe(error)));
      else results.push({ name: label, status: named ? 'fail' : 'warn', detail: describe(error) });
    }
  }
  await admin.close();
  return results;
}

/** The fallback: a peek proves the credentials and (on Service Bus, which never creates on use) existence. */
async function peekCheck(ctx: Context, label: string, entity: EntityRef, named: boolean, timeoutMs: number, why: string): Promise<DoctorCheck> {
  const port = await createQueuePort(ctx.config, { timeoutMs, maxRetries: 0 });
  try {
    let count = 0;
    for await (const page of port.peek(entity, { count: 1, signal: ctx.signal })) count += page.length;
    return { name: label, status: 'ok', detail: `exists on ${port.namespace} (${count ? 'has messages' : 'empty'}; peeked, as the management API failed: ${why})` };
  } catch (error) {
    const missing = error instanceof UsageError && /does not exist/.test(error.message);
    return {
      name: label,
      status: missing && !named ? 'warn' : 'fail',
      detail: missing && !named ? `credentials accepted by ${port.namespace}; the smoke queue does not exist yet` : describe(error),
    };
  } finally {
    await port.close().catch(() => {});
  }
}

function describe(error: unknown): string {
  if (error instanceof SwitchyardError) return error.hint ? `${error.message} (${error.hint})` : error.message;
  return error instanceof Error ? error.message : String(error);
}
