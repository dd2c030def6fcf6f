import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceBusClient } from '@azure/service-bus';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, runCli } from '../support/run-cli.js';
import { closeError, connect, socketOf } from '../integration/emulator/bare-client.js';

const children: ChildProcess[] = [];
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  // Clients first: an SDK client whose broker is already gone waits for its close to time out.
  for (const f of cleanups.splice(0)) await f();
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Spawns `switchyard emulator`, resolving with its first stdout line; `done` resolves on exit. */
function spawnEmulator(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'emulator', ...args], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: string) => {
      stdout += d;
      if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!);
    });
    child.on('exit', () => reject(new Error(`emulator exited early: ${stderr}`)));
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, firstLine, done };
}

describe('switchyard emulator (black box)', () => {
  it('prints one JSON line, serves the real SDK, and exits 130 after SIGINT', async () => {
    const { child, firstLine, done } = spawnEmulator(['--port', '0', '--json']);
    const info = JSON.parse(await firstLine) as { connectionString: string; host: string; port: number; managementPort: number };
    expect(info.host).toBe('127.0.0.1');
    // With --port 0 the management API also takes a free port (5300 otherwise, as Microsoft's emulator).
    expect(info.managementPort).toBeGreaterThan(0);
    expect(info.managementPort).not.toBe(info.port);
    expect(info.connectionString).toBe(
      `Endpoint=sb://127.0.0.1:${info.port};SharedAccessKeyName=local;SharedAccessKey=local;UseDevelopmentEmulator=true`,
    );
    const sb = new ServiceBusClient(info.connectionString);
    cleanups.push(() => sb.close());
    await sb.createSender('e2e').sendMessages({ body: { hello: 'world' } });
    const [m] = await sb.createReceiver('e2e', { receiveMode: 'receiveAndDelete' }).receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(m?.body).toEqual({ hello: 'world' });
    await sb.close();

    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/"code":"interrupted"/);
  });

  it('prints the bare connection string and a Ready note on stderr without --json', async () => {
    const { child, firstLine, done } = spawnEmulator(['--port', '0', '--lock-duration', '5s']);
    expect(await firstLine).toMatch(/^Endpoint=sb:\/\/127\.0\.0\.1:\d+;SharedAccessKeyName=local;SharedAccessKey=local;UseDevelopmentEmulator=true$/);
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/^Ready: Service Bus emulator on 127\.0\.0\.1:\d+/);
  });

  it('with --shared-access-key prints that key and refuses clients signing with another', async () => {
    const key = 'ZTJlLWVtdWxhdG9yLWtleQ==';
    const { child, firstLine, done } = spawnEmulator(['--port', '0', '--json', '--shared-access-key', key, '--shared-access-key-name', 'ci']);
    const { connectionString } = JSON.parse(await firstLine) as { connectionString: string };
    expect(connectionString).toMatch(new RegExp(`;SharedAccessKeyName=ci;SharedAccessKey=${key.replace(/[+=]/g, '\\$&')};`));
    const good = new ServiceBusClient(connectionString);
    const bad = new ServiceBusClient(connectionString.replace(key, 'b3RoZXI='), { retryOptions: { maxRetries: 0 } });
    cleanups.push(() => Promise.all([good.close(), bad.close()]));
    await good.createSender('keyed').sendMessages({ body: 1 });
    await expect(bad.createSender('keyed').sendMessages({ body: 2 })).rejects.toMatchObject({ code: 'UnauthorizedAccess' });
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/only key ci/);
  });

  it('keeps messages across a restart with --data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-emu-e2e-data-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const first = spawnEmulator(['--port', '0', '--json', '--data', dir]);
    const { connectionString } = JSON.parse(await first.firstLine) as { connectionString: string };
    const sb1 = new ServiceBusClient(connectionString);
    await sb1.createSender('kept').sendMessages([{ body: 'one' }, { body: 'two' }]);
    await sb1.close();
    first.child.kill('SIGINT');
    expect((await first.done).code).toBe(130);

    const second = spawnEmulator(['--port', '0', '--json', '--data', dir]);
    const again = JSON.parse(await second.firstLine) as { connectionString: string };
    const sb2 = new ServiceBusClient(again.connectionString);
    cleanups.push(() => sb2.close());
    const got = await sb2.createReceiver('kept', { receiveMode: 'receiveAndDelete' }).receiveMessages(5, { maxWaitTimeInMs: 500 });
    expect(got.map((m) => m.body)).toEqual(['one', 'two']);
  });

  it('exits 2 for a bad config file, naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-emu-e2e-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'entities.json');
    writeFileSync(file, JSON.stringify({ queues: [{ name: 'q', maxDeliveryCount: 0 }] }));
    const result = await runCli(['emulator', '--port', '0', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/queues\[0\]\.maxDeliveryCount/);
  });

  it('exits 2 when the port is taken, and for a bad flag', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise((r) => server.close(r)));
    const port = (server.address() as { port: number }).port;
    const taken = await runCli(['emulator', '--port', String(port)]);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(new RegExp(`port ${port} .*already in use`));
    const bad = await runCli(['emulator', '--lock-duration', 'forever']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--lock-duration/);
  });

  it('closes a client that sends a malformed frame with an AMQP error, and says so on stderr with --verbose', async () => {
    const { child, firstLine, done } = spawnEmulator(['--port', '0', '--json', '--verbose']);
    const { port } = JSON.parse(await firstLine) as { port: number };
    const conn = await connect(port);
    const closed = closeError(conn);
    socketOf(conn).write(Buffer.from([0, 0, 0, 4, 0, 0, 0, 0]));
    expect(await closed).toMatchObject({ condition: 'amqp:connection:framing-error' });
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/connection from 127\.0\.0\.1:\d+ closed with amqp:connection:framing-error: malformed frame header/);
  });
});
