import { spawn } from 'node:child_process';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, runCli, type CliResult } from '../support/run-cli.js';
import { QueueWorld, deadLetter, lines, numbered, peekAll, send, takeAll } from '../integration/queue/support.js';

const SAMPLE = new URL('../../fixtures/servicebus/orders.ndjson', import.meta.url).pathname;
const world = new QueueWorld();
const runs: CliResult[] = [];
beforeAll(() =>
  world.start({
    config: {
      queues: ['orders', 'copies', 'dead', 'archive', 'retry', 'empty', 'big'].map((name) => ({ name })),
      topics: [{ name: 'events', subscriptions: [{ name: 'billing' }, { name: 'audit' }] }],
    },
  }),
);
afterAll(() => world.cleanUp());
afterEach(async () => {
  // No run prints the connection string's key, whatever it did.
  for (const run of runs) expect(run.stdout + run.stderr).not.toMatch(/SharedAccessKey=(local|s3cr3t)/);
  runs.length = 0;
  await world.empty(['orders', 'copies', 'dead', 'archive', 'retry', 'empty', 'big', 'events/subscriptions/billing', 'events/subscriptions/audit']);
});

async function sy(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<CliResult> {
  const result = await runCli(args, { env: { SERVICEBUS_CONNECTION_STRING: world.connectionString, ...options.env }, cwd: options.cwd });
  runs.push(result);
  return result;
}

/** A loopback port that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('switchyard queue (black-box)', () => {
  it('send, peek, drain --json, send back: exit 0 with data on stdout and the summary on stderr', async () => {
    const dir = await world.tempDir();
    const sent = await sy(['queue', 'send', 'orders', '--file', SAMPLE, '--json']);
    expect(sent).toMatchObject({ code: 0, stdout: '{"sent":5,"target":"orders"}\n' });

    const peek = await sy(['queue', 'peek', 'orders', '--count', '2']);
    expect(peek.code).toBe(0);
    expect(peek.stdout.trimEnd().split('\n').map((l) => l.split('\t').slice(1, 2))).toEqual([['order-1001'], ['order-1002']]);

    const drain = await sy(['queue', 'drain', 'orders', '--yes', '--json', '--out', 'orders.ndjson', '--idle-timeout', '300ms'], { cwd: dir });
    expect(drain.code).toBe(0);
    const streamed = lines(drain.stdout);
    expect(streamed.map((m) => m.messageId)).toEqual(['order-1001', 'order-1002', 'order-1001-paid', 'note-1', 'legacy-csv-1']);
    expect(await readFile(join(dir, 'orders.ndjson'), 'utf8')).toBe(drain.stdout);
    expect(drain.stderr).toMatch(/drained 5 messages from orders into .*orders\.ndjson/);

    const back = await sy(['queue', 'send', 'copies', '--file', 'orders.ndjson'], { cwd: dir });
    expect(back).toMatchObject({ code: 0, stdout: '' });
    expect(back.stderr).toMatch(/sent 5 messages to copies/);
    const json = await sy(['queue', 'peek', 'copies', '--json', '--count', '100']);
    const strip = (m: Record<string, unknown>) => ({ ...m, sequenceNumber: null, enqueuedTimeUtc: null });
    expect(lines(json.stdout).map(strip)).toEqual(streamed.map(strip));
  });

  it('triage --json and resubmit --json print one document; the dead letters go back', async () => {
    const client = world.client();
    await deadLetter(client, 'dead', numbered(3, 'a', { applicationProperties: { tenant: 'eu' } }), 'Poison', 'bad json');
    await deadLetter(client, 'dead', numbered(1, 'b'), 'Expired', 'ttl');
    const triage = await sy(['queue', 'triage', 'dead', '--json']);
    expect(triage.code).toBe(0);
    expect(JSON.parse(triage.stdout)).toMatchObject({
      entity: 'dead',
      total: 4,
      groups: [
        { reason: 'Poison', description: 'bad json', count: 3, sampleMessageIds: ['a-0', 'a-1', 'a-2'] },
        { reason: 'Expired', description: 'ttl', count: 1 },
      ],
    });
    const human = await sy(['queue', 'triage', 'dead']);
    expect(human.stdout).toMatch(/^3\tPoison\tbad json\t/);

    const dry = await sy(['queue', 'resubmit', 'dead', '--reason', 'poison', '--where', 'tenant=eu', '--dry-run', '--json']);
    expect(JSON.parse(dry.stdout)).toEqual({ resubmitted: 3, skipped: 1, target: 'dead', dryRun: true });
    const run = await sy(['queue', 'resubmit', 'dead', '--reason', 'poison', '--to', 'retry', '--yes', '--json', '--idle-timeout', '300ms']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ resubmitted: 3, skipped: 1, target: 'retry', dryRun: false });
    expect((await takeAll(client, 'retry')).map((m) => m.messageId)).toEqual(['a-0', 'a-1', 'a-2']);
    expect((await peekAll(client, 'dead', { dlq: true })).map((m) => m.messageId)).toEqual(['b-0']);
  });

  it('an empty queue: exit 0, nothing on stdout, a note on stderr', async () => {
    for (const args of [['queue', 'peek', 'empty'], ['queue', 'drain', 'empty', '--yes', '--idle-timeout', '200ms']]) {
      const result = await sy(args, { cwd: await world.tempDir() });
      expect(result).toMatchObject({ code: 0, stdout: '' });
      expect(result.stderr).toMatch(/empty/);
    }
  });

  it('exit 2 without a connection, naming SERVICEBUS_CONNECTION_STRING and --namespace', async () => {
    const result = await runCli(['queue', 'peek', 'orders']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/SERVICEBUS_CONNECTION_STRING .*--namespace/);
  });

  it('exit 2 for drain and resubmit without --yes and no terminal, before connecting: nothing touched', async () => {
    const port = await closedPort();
    const unreachable = `Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=k;SharedAccessKey=s3cr3t;UseDevelopmentEmulator=true`;
    const dir = await world.tempDir();
    for (const verb of ['drain', 'resubmit']) {
      const result = await sy(['queue', verb, 'orders'], { env: { SERVICEBUS_CONNECTION_STRING: unreachable }, cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/needs confirmation.*--yes/);
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('exit 2 for a broken line in send --file, naming the line; nothing sent', async () => {
    const dir = await world.tempDir();
    await writeFile(join(dir, 'bad.ndjson'), '{"body":1}\n{"body":2,"timeToLive":"soon"}\n');
    const result = await sy(['queue', 'send', 'orders', '--file', 'bad.ndjson'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad\.ndjson line 2: timeToLive/);
    expect(await peekAll(world.client(), 'orders')).toHaveLength(0);
  });

  it('exit 2 for an entity that does not exist or cannot be written, with a hint', async () => {
    const missing = await sy(['queue', 'peek', 'nope']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/"nope" on 127\.0\.0\.1:\d+ does not exist\. Check the name/);
    const syntax = await sy(['queue', 'peek', 'events/topics/x']);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/topic\/subscriptions\/name/);
  });

  it('exit 4, quickly, when the namespace cannot be reached; the key is never shown; --json errors go to stderr', async () => {
    const port = await closedPort();
    const cs = `Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=k;SharedAccessKey=s3cr3t;UseDevelopmentEmulator=true`;
    for (const args of [['queue', 'peek', 'orders'], ['queue', 'send', 'orders', '--body', 'x'], ['queue', 'drain', 'orders', '--yes']]) {
      const result = await runCli([...args, '--json'], { env: { SERVICEBUS_CONNECTION_STRING: cs }, cwd: await world.tempDir(), timeoutMs: 15_000 });
      runs.push(result);
      expect(result.signal).toBeNull();
      expect(result.code).toBe(4);
      expect(result.stdout).toBe('');
      expect(JSON.parse(result.stderr)).toMatchObject({ error: { code: 'unavailable', message: expect.stringContaining('cannot reach Service Bus') } });
    }
  });

  it('subscription syntax and the topic fan-out warning through the CLI', async () => {
    const client = world.client();
    await sy(['queue', 'send', 'events', '--body', '{"invoice":9}', '--property', 'tenant=eu']);
    const peek = await sy(['queue', 'peek', 'events/Subscriptions/billing', '--json']);
    expect(lines(peek.stdout)).toMatchObject([{ body: { invoice: 9 }, applicationProperties: { tenant: 'eu' } }]);
    await world.empty(['events/subscriptions/billing', 'events/subscriptions/audit']);
    await deadLetter(client, 'events', numbered(1, 'inv'), 'Bad', 'x', { subscription: 'billing' });
    await world.empty(['events/subscriptions/audit']);
    const result = await sy(['queue', 'resubmit', 'events/subscriptions/billing', '--yes', '--idle-timeout', '300ms']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning: copies go to topic "events"/);
    expect(await takeAll(client, 'events', { subscription: 'audit' })).toHaveLength(1);
    expect(await takeAll(client, 'events', { subscription: 'billing' })).toHaveLength(1);
  });

  it('exit 130 on SIGINT during a drain, after the batch in hand was written and completed', async () => {
    const client = world.client();
    await send(client, 'big', numbered(3_000));
    const dir = await world.tempDir();
    const out = join(dir, 'big.ndjson');
    const child = spawn(process.execPath, [BIN, 'queue', 'drain', 'big', '--yes', '--out', out, '--idle-timeout', '1s'], {
      env: cleanEnv({ SERVICEBUS_CONNECTION_STRING: world.connectionString }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    while (((await stat(out).catch(() => undefined))?.size ?? 0) === 0) await new Promise((r) => setTimeout(r, 2));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/drained [\d,]+ messages? from big/);
    expect(stderr).toMatch(/interrupted/);
    const written = lines(await readFile(out, 'utf8')).map((m) => m.messageId as string);
    const left = (await peekAll(client, 'big')).map((m) => m.messageId as string);
    expect(written.length).toBeLessThan(3_000);
    expect([...written, ...left].sort()).toEqual(numbered(3_000).map((m) => m.messageId as string).sort());
  });
});
