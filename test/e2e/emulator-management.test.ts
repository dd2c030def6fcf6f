import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, runCli } from '../support/run-cli.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** `switchyard emulator` in the background; resolves with its JSON line and what it said on stderr by then. */
function spawnEmulator(args: string[]): Promise<{ info: { connectionString: string; port: number; managementPort: number }; child: ChildProcess; stderr: () => string }> {
  const child = spawn(process.execPath, [BIN, 'emulator', '--json', ...args], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (stdout.includes('\n')) resolve({ info: JSON.parse(stdout.split('\n')[0]!), child, stderr: () => stderr });
    });
    child.on('exit', () => reject(new Error(`emulator exited early: ${stderr}`)));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('switchyard emulator: the management port (black-box)', () => {
  it('serves queue list on the port it prints, and says how to point switchyard at it', async () => {
    const port = await freePort();
    const { info, stderr } = await spawnEmulator(['--port', '0', '--management-port', String(port)]);
    expect(info.managementPort).toBe(port);
    for (let i = 0; i < 100 && !stderr().includes('Management API'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(stderr()).toContain(`Management API (ServiceBusAdministrationClient, plain HTTP) on 127.0.0.1:${port} (set SERVICEBUS_MANAGEMENT_PORT=${port} for queue list)`);
    const env = { SERVICEBUS_CONNECTION_STRING: info.connectionString };
    await runCli(['queue', 'send', 'orders', '--body', 'x'], { env });
    const list = await runCli(['queue', 'list', '--json', '--management-port', String(port)], { env });
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject([{ entity: 'orders', kind: 'queue', active: 1, deadLetter: 0 }]);
  });

  it('exits 2 naming the management port when it is taken', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    try {
      const result = await runCli(['emulator', '--port', '0', '--management-port', String(port)]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`management port ${port} on 127.0.0.1 is already in use`);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
