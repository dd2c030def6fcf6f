import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ServiceBusClient,
  type ServiceBusMessage,
  type ServiceBusReceivedMessage,
  type ServiceBusReceiverOptions,
} from '@azure/service-bus';
import { startEmulator, type EmulatorOptions } from '../../../src/emulator/index.js';
import { contextFor, type Context } from '../../../src/core/context.js';
import { loadConfig } from '../../../src/core/config.js';
import { fakeRuntime, type FakeRuntime } from '../../support/fake-runtime.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

/** Everything a queue test opened, closed in afterAll/afterEach by cleanUp(). */
export class QueueWorld {
  emulator!: Emulator;
  private readonly clients: ServiceBusClient[] = [];
  private readonly dirs: string[] = [];
  private counter = 0;

  async start(options: EmulatorOptions = {}): Promise<this> {
    this.emulator = await startEmulator({ lockDurationMs: 3_000, ...options });
    return this;
  }

  get connectionString(): string {
    return this.emulator.connectionString;
  }

  /** A queue name no other test in this file uses. */
  name(prefix = 'q'): string {
    this.counter += 1;
    return `${prefix}-${this.counter}-${Math.random().toString(36).slice(2, 8)}`;
  }

  /** An SDK client on the emulator: the independent peer the assertions use. */
  client(): ServiceBusClient {
    const client = new ServiceBusClient(this.connectionString, { retryOptions: { maxRetries: 1, timeoutInMs: 5_000 } });
    this.clients.push(client);
    return client;
  }

  /** Removes whatever is left in these entities (and their dead-letter queues), for tests sharing declared entities. */
  async empty(entities: string[]): Promise<void> {
    const client = this.client();
    for (const entity of entities) {
      const counts = this.emulator.entityCounts(entity);
      const [name, , subscription] = entity.split('/');
      if (counts && counts.total > 0) await takeAll(client, name!, { subscription }, 200);
      if (counts && counts.deadLetter > 0) await takeAll(client, name!, { subscription, dlq: true }, 200);
    }
  }

  async tempDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-queue-'));
    this.dirs.push(dir);
    return dir;
  }

  /** A context as the CLI would build it, with captured streams and the emulator's connection string. */
  context(options: { json?: boolean; tty?: boolean; cwd?: string; env?: NodeJS.ProcessEnv } = {}): { ctx: Context; rt: FakeRuntime } {
    const env = { SERVICEBUS_CONNECTION_STRING: this.connectionString, ...options.env };
    const rt = fakeRuntime({ tty: options.tty, env, cwd: options.cwd });
    const ctx = contextFor(rt, loadConfig(env, {}), { json: options.json });
    return { ctx, rt };
  }

  async cleanUp(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.close().catch(() => {})));
    await this.emulator?.close();
    await Promise.all(this.dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  }
}

export async function send(client: ServiceBusClient, entity: string, messages: ServiceBusMessage[]): Promise<void> {
  const sender = client.createSender(entity);
  try {
    for (let i = 0; i < messages.length; i += 500) await sender.sendMessages(messages.slice(i, i + 500));
  } finally {
    await sender.close();
  }
}

/** `n` small JSON messages with messageIds `${prefix}-0` … */
export function numbered(n: number, prefix = 'm', extra: Partial<ServiceBusMessage> = {}): ServiceBusMessage[] {
  return Array.from({ length: n }, (_, i) => ({ body: { i }, messageId: `${prefix}-${i}`, ...extra }));
}

export interface Where {
  subscription?: string;
  dlq?: boolean;
}

function receiver(client: ServiceBusClient, entity: string, where: Where, options: ServiceBusReceiverOptions) {
  const o = { ...options, subQueueType: where.dlq ? ('deadLetter' as const) : undefined };
  return where.subscription ? client.createReceiver(entity, where.subscription, o) : client.createReceiver(entity, o);
}

// The SDK's own Long (sequence numbers), resolved from where the SDK lives.
const Long = createRequire(createRequire(import.meta.url).resolve('@azure/service-bus'))('long') as { ZERO: unknown };

/**
 * Every message, non-destructively, as the SDK sees it. Always from sequence number 0: without an explicit start
 * the SDK continues where the client's previous peek on that entity stopped.
 */
export async function peekAll(
  client: ServiceBusClient,
  entity: string,
  where: Where = {},
  options: ServiceBusReceiverOptions = {},
): Promise<ServiceBusReceivedMessage[]> {
  const r = receiver(client, entity, where, options);
  try {
    const all: ServiceBusReceivedMessage[] = [];
    let from = Long.ZERO as NonNullable<ServiceBusReceivedMessage['sequenceNumber']>;
    for (;;) {
      const page = await r.peekMessages(250, { fromSequenceNumber: from });
      if (page.length === 0) return all;
      all.push(...page);
      from = page[page.length - 1]!.sequenceNumber!.add(1);
    }
  } finally {
    await r.close();
  }
}

/** Receives and deletes until a receive comes back empty. */
export async function takeAll(client: ServiceBusClient, entity: string, where: Where = {}, waitMs = 400): Promise<ServiceBusReceivedMessage[]> {
  const r = receiver(client, entity, where, { receiveMode: 'receiveAndDelete' });
  try {
    const all: ServiceBusReceivedMessage[] = [];
    for (;;) {
      const batch = await r.receiveMessages(500, { maxWaitTimeInMs: waitMs });
      if (batch.length === 0) return all;
      all.push(...batch);
    }
  } finally {
    await r.close();
  }
}

/** Sends the messages and dead-letters each of them with the given reason and description. */
export async function deadLetter(
  client: ServiceBusClient,
  entity: string,
  messages: ServiceBusMessage[],
  reason: string,
  description: string,
  where: Where = {},
): Promise<void> {
  await send(client, entity, messages);
  const r = receiver(client, entity, where, { receiveMode: 'peekLock' });
  try {
    let left = messages.length;
    while (left > 0) {
      const batch = await r.receiveMessages(Math.min(left, 200), { maxWaitTimeInMs: 2_000 });
      if (batch.length === 0) throw new Error(`only ${messages.length - left} of ${messages.length} arrived to dead-letter`);
      await Promise.all(batch.map((m) => r.deadLetterMessage(m, { deadLetterReason: reason, deadLetterErrorDescription: description })));
      left -= batch.length;
    }
  } finally {
    await r.close();
  }
}

/** NDJSON text as objects. */
export function lines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
