import { ServiceBusClient } from '@azure/service-bus';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { runCli, type CliResult } from '../support/run-cli.js';
import { QueueWorld, deadLetter, numbered, peekAll, send } from '../integration/queue/support.js';

const world = new QueueWorld();
beforeAll(() => world.start({ config: { queues: [{ name: 'orders' }, { name: 'spare' }] } }));
afterAll(() => world.cleanUp());
afterEach(() => world.empty(['orders', 'spare']));

function sy(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runCli(['queue', 'purge', ...args], { env: { SERVICEBUS_CONNECTION_STRING: world.connectionString, ...env } });
}

describe('switchyard queue purge (black-box)', () => {
  it('--yes --json deletes everything and prints {purged, skipped, dryRun}; the summary goes to stderr', async () => {
    await send(world.client(), 'orders', numbered(40, 'o'));
    const result = await sy(['orders', '--yes', '--json', '--idle-timeout', '300ms']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ purged: 40, skipped: 0, dryRun: false });
    expect(result.stderr).toMatch(/purged 40 messages from orders/);
    expect(world.emulator.entityCounts('orders')?.total).toBe(0);
  });

  it('--dlq with filters deletes the matching dead letters only; --dry-run first changes nothing', async () => {
    const client = world.client();
    await deadLetter(client, 'orders', numbered(3, 'eu', { applicationProperties: { tenant: 'eu' } }), 'Poison', 'x');
    await deadLetter(client, 'orders', numbered(2, 'us', { applicationProperties: { tenant: 'us' } }), 'Poison', 'x');
    const dry = await sy(['orders', '--dlq', '--where', 'tenant=eu', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual({ purged: 3, skipped: 2, dryRun: true });
    expect(dry.stderr).toContain('nothing was changed');
    expect(world.emulator.entityCounts('orders')?.deadLetter).toBe(5);

    const run = await sy(['orders/$DeadLetterQueue', '--reason', 'poison', '--where', 'tenant=eu', '--yes', '--idle-timeout', '300ms']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/purged 3 messages from orders\/\$DeadLetterQueue .*; 2 messages did not match and stay/);
    expect((await peekAll(client, 'orders', { dlq: true })).map((m) => m.messageId)).toEqual(['us-0', 'us-1']);
  });

  it('exit 2 without --yes and no terminal, before anything is touched', async () => {
    await send(world.client(), 'spare', numbered(3, 's'));
    const result = await sy(['spare']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('queue purge needs confirmation');
    expect(result.stderr).toContain('--yes');
    expect(world.emulator.entityCounts('spare')).toMatchObject({ active: 3, locked: 0 });
  });

  it('exit 2 for bad flags and for an entity that does not exist', async () => {
    expect((await sy(['orders', '--reason', '(', '--yes'])).stderr).toContain('invalid --reason');
    const older = await sy(['orders', '--older-than', 'a week', '--yes']);
    expect(older.code).toBe(2);
    expect(older.stderr).toContain('invalid --older-than');
    const missing = await sy(['nope', '--yes', '--idle-timeout', '300ms']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/"nope" on .* does not exist/);
  });

  it('exit 3 when the key is refused, with nothing deleted and no key printed', async () => {
    const keyed = await startEmulator({ sharedAccessKey: { name: 'ops', key: 'right-key' }, config: { queues: [{ name: 'orders' }] } });
    const client = new ServiceBusClient(keyed.connectionString);
    try {
      await send(client, 'orders', numbered(3, 'k'));
      const result = await sy(['orders', '--yes'], { SERVICEBUS_CONNECTION_STRING: keyed.connectionString.replace('right-key', 'wrong-key') });
      expect(result.code).toBe(3);
      expect(result.stderr).not.toContain('wrong-key');
      expect(keyed.entityCounts('orders')?.active).toBe(3);
    } finally {
      await client.close();
      await keyed.close();
    }
  });

  it('exit 4 when Service Bus cannot be reached; the help says no copy is kept and points to drain', async () => {
    const down = await sy(['orders', '--yes'], { SERVICEBUS_CONNECTION_STRING: 'Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true' });
    expect(down.code).toBe(4);
    const help = await runCli(['queue', 'purge', '--help']);
    expect(help.stdout).toMatch(/no copy is kept/);
    expect(help.stdout).toMatch(/switchyard queue drain/);
  });
});
