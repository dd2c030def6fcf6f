import { ServiceBusClient, type ServiceBusClientOptions, type ServiceBusReceivedMessage, type ServiceBusReceiver } from '@azure/service-bus';
import { afterEach } from 'vitest';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../../src/emulator/index.js';

/**
 * Clean-up registry, as the Azure SDK's own tests do: every emulator and client opened in a test is closed
 * after it, clients first.
 */
const emulators: EmulatorHandle[] = [];
const clients: ServiceBusClient[] = [];

afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((c) => c.close()));
  await Promise.allSettled(emulators.splice(0).map((e) => e.close()));
});

/** An emulator on a free loopback port, closed after the test. */
export async function emulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const handle = await startEmulator({ port: 0, ...options });
  emulators.push(handle);
  return handle;
}

/** A client of the real SDK for the emulator, closed after the test; failures surface fast (no SDK retries). */
export function client(em: EmulatorHandle, options: ServiceBusClientOptions = {}): ServiceBusClient {
  const c = new ServiceBusClient(em.connectionString, { retryOptions: { maxRetries: 0, timeoutInMs: 10_000 }, ...options });
  clients.push(c);
  return c;
}

/** Emulator plus client in one call. */
export async function setup(options: EmulatorOptions = {}): Promise<{ em: EmulatorHandle; sb: ServiceBusClient }> {
  const em = await emulator(options);
  return { em, sb: client(em) };
}

/** Receives until an empty batch (the SDK tests' drain helper); completes each message in peek-lock mode. */
export async function receiveAll(
  receiver: ServiceBusReceiver,
  options: { batch?: number; waitMs?: number; complete?: boolean; expect?: number } = {},
): Promise<ServiceBusReceivedMessage[]> {
  const all: ServiceBusReceivedMessage[] = [];
  // With `expect`, an empty batch before that many arrived is a slow machine, not the end: keep asking (up to 20 s
  // of empty batches). The last empty batch still shows anything sent twice.
  const giveUpAt = Date.now() + 20_000;
  for (;;) {
    const batch = await receiver.receiveMessages(options.batch ?? 100, { maxWaitTimeInMs: options.waitMs ?? 300 });
    if (batch.length === 0) {
      if (options.expect === undefined || all.length >= options.expect || Date.now() > giveUpAt) return all;
      continue;
    }
    if (options.complete !== false && receiver.receiveMode === 'peekLock') {
      await Promise.all(batch.map((m) => receiver.completeMessage(m)));
    }
    all.push(...batch);
  }
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Waits until `check` holds (for broker-side timers such as lock expiry), failing after `timeoutMs`. */
export async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
