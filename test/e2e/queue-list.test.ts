import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { runCli, type CliResult } from '../support/run-cli.js';
import { QueueWorld, deadLetter, numbered, send } from '../integration/queue/support.js';

const world = new QueueWorld();
beforeAll(async () => {
  await world.start({
    config: {
      queues: [{ name: 'orders', maxDeliveryCount: 5, lockDuration: '30s' }, { name: 'quiet' }, { name: 'worse' }],
      topics: [{ name: 'events', subscriptions: [{ name: 'billing' }, { name: 'audit' }] }],
    },
  });
  const client = world.client();
  await send(client, 'orders', numbered(4, 'o'));
  await deadLetter(client, 'orders', numbered(2, 'od'), 'Boom', 'it broke');
  await deadLetter(client, 'worse', numbered(3, 'wd'), 'Boom', 'it broke');
  await send(client, 'events', numbered(2, 'e'));
  await deadLetter(client, 'events', numbered(1, 'ed'), 'Nope', 'no', { subscription: 'billing' });
});
afterAll(() => world.cleanUp());

function sy(args: string[], env: Record<string, string | undefined> = {}, em: EmulatorHandle = world.emulator): Promise<CliResult> {
  return runCli(['queue', 'list', ...args], {
    env: { SERVICEBUS_CONNECTION_STRING: em.connectionString, SERVICEBUS_MANAGEMENT_PORT: String(em.managementPort), ...env },
  });
}

interface Row {
  entity: string;
  kind: string;
  active: number | null;
  deadLetter: number | null;
}

describe('switchyard queue list (black-box)', () => {
  it('--json: every queue, topic and subscription with counts and settings, dead letters first', async () => {
    const result = await sy(['--json']);
    expect(result.code, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout) as Row[];
    expect(rows.map((r) => r.entity)).toEqual(['worse', 'orders', 'events/subscriptions/billing', 'quiet', 'events', 'events/subscriptions/audit']);
    expect(rows[1]).toEqual({
      entity: 'orders', kind: 'queue', active: 4, deadLetter: 2, scheduled: 0, transferDeadLetter: 0, sizeBytes: expect.any(Number),
      status: 'Active', requiresSession: false, maxDeliveryCount: 5, lockDuration: 'PT30S',
    });
    expect(rows.find((r) => r.entity === 'events')).toMatchObject({ kind: 'topic', active: null, deadLetter: null });
    expect(rows.find((r) => r.entity === 'events/subscriptions/audit')).toMatchObject({ kind: 'subscription', active: 3, deadLetter: 0 });
    expect(result.stderr).toContain('6 entities on 127.0.0.1:');
    expect(result.stderr).toContain('3 dead-letter queues not empty (6 dead letters in all)');
  });

  it('prints tab-separated rows when piped, and --dlq-only keeps the entities with dead letters', async () => {
    const all = await sy([]);
    expect(all.code).toBe(0);
    expect(all.stdout.split('\n')[0]!.split('\t')).toEqual(['worse', 'queue', '0', '3', '0', '0', expect.stringMatching(/B$/), 'Active', 'no', '10', 'PT3S']);
    const only = await sy(['--dlq-only']);
    expect(only.stdout.trimEnd().split('\n').map((l) => l.split('\t')[0])).toEqual(['worse', 'orders', 'events/subscriptions/billing']);
  });

  it('--fail-on-dead-letters exits 1 after printing, and 0 when every dead-letter queue is empty', async () => {
    const failing = await sy(['--fail-on-dead-letters', '--json']);
    expect(failing.code).toBe(1);
    expect(JSON.parse(failing.stdout)).toHaveLength(6);
    expect(JSON.parse(failing.stderr.trim().split('\n').pop()!)).toMatchObject({
      error: { code: 'dead_letters', message: '3 dead-letter queues not empty: worse (3), orders (2), events/subscriptions/billing (1)' },
    });
    const clean = await startEmulator({ config: { queues: [{ name: 'fine' }] } });
    try {
      const ok = await sy(['--fail-on-dead-letters'], {}, clean);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stderr).toContain('no dead letters');
    } finally {
      await clean.close();
    }
  });

  it('creates nothing: an emulator without config lists nothing, before and after', async () => {
    const bare = await startEmulator();
    try {
      const first = await sy(['--json'], {}, bare);
      expect(first).toMatchObject({ code: 0, stdout: '[]\n' });
      expect(first.stderr).toContain('no queues or topics');
      expect(bare.entityCounts('switchyard-smoke')).toBeUndefined();
    } finally {
      await bare.close();
    }
  });

  it('exit 2 without a connection, 3 for a refused key, 4 when nothing listens on the management port', async () => {
    const none = await runCli(['queue', 'list']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('SERVICEBUS_CONNECTION_STRING is not set');

    const keyed = await startEmulator({ sharedAccessKey: { name: 'ops', key: 'right-key' } });
    try {
      const wrong = keyed.connectionString.replace('right-key', 'wrong-key');
      const refused = await sy([], { SERVICEBUS_CONNECTION_STRING: wrong }, keyed);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/refused the credentials/);
      expect(refused.stderr).not.toContain('wrong-key');
    } finally {
      await keyed.close();
    }

    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    await new Promise((r) => server.close(r));
    const down = await sy([], { SERVICEBUS_MANAGEMENT_PORT: String(port) });
    expect(down.code).toBe(4);
    expect(down.stderr).toContain("cannot reach the emulator's management API");
    expect(down.stderr).toContain('SERVICEBUS_MANAGEMENT_PORT');

    const bad = await sy(['--management-port', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('must be a TCP port number');
  });
});
