import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, runCli } from '../support/run-cli.js';
import { send, signedStripe, startPeer, type Peer } from '../integration/listener/peer.js';

const SECRET = 'whsec_e2eInspectSecret0never0printed0abc';
const children: ChildProcessWithoutNullStreams[] = [];
const peers: Peer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  while (peers.length) await peers.pop()!.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Spawns the CLI and waits until its stderr matches `ready`. */
function start(args: string[], ready: RegExp, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(env) });
  children.push(child);
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise<{ child: ChildProcessWithoutNullStreams; stderr: () => string; exited: Promise<number | null> }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready: ${err}`)), 15_000);
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      if (ready.test(err)) {
        clearTimeout(timer);
        resolve({ child, stderr: () => err, exited });
      }
    });
    child.on('close', () => reject(new Error(`exited early: ${err}`)));
  });
}

const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'switchyard-inspect-e2e-'));
  dirs.push(d);
  return d;
};

describe('switchyard webhooks listen --inspect', () => {
  it('prints the inspector link with its token; the link opens the page and the API lists the event', async () => {
    const app = await startPeer();
    peers.push(app);
    const l = await start(
      ['webhooks', 'listen', '--port', '0', '--inspect', '--inspect-port', '0', '--secret', SECRET, '--forward-to', `${app.url}/hook`],
      /inspector: http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/,
    );
    const link = /inspector: (http:\/\/127\.0\.0\.1:\d+\/\?token=([\w-]+))/.exec(l.stderr())!;
    const listenerUrl = /Listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(l.stderr())![1]!;
    const event = signedStripe(SECRET, 'invoice.paid', 'evt_cli');
    await send(listenerUrl, event.body, event.headers);
    await app.received(1);
    const page = await send(link[1]!, '', {}, 'GET');
    expect(page.status).toBe(303);
    const list = await send(new URL('/api/requests/http', link[1]!).toString(), '', { authorization: `Bearer ${link[2]}` }, 'GET');
    expect(JSON.parse(list.text).requests).toMatchObject([{ eventId: 'evt_cli', verdict: 'verified', forward: { status: 200 } }]);
    l.child.kill('SIGINT');
    expect(await l.exited).toBe(130);
    expect(l.stderr()).not.toContain(SECRET);
  });

  it('puts the link in the --json ready line and takes a fixed token from SWITCHYARD_INSPECT_TOKEN', async () => {
    const token = 'fixedTokenForTests_0123456789';
    const l = await start(['webhooks', 'listen', '--port', '0', '--inspect', '--inspect-port', '0', '--json'], /"ready":true/, { SWITCHYARD_INSPECT_TOKEN: token });
    const ready = JSON.parse(l.stderr().split('\n')[0]!) as { inspector: string };
    expect(ready.inspector).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/\\?token=${token}$`));
    l.child.kill('SIGINT');
    expect(await l.exited).toBe(130);
    const weak = await runCli(['webhooks', 'listen', '--port', '0', '--inspect'], { env: { SWITCHYARD_INSPECT_TOKEN: 'short' } });
    expect(weak.code).toBe(2);
    expect(weak.stderr).toMatch(/SWITCHYARD_INSPECT_TOKEN must be at least 16/);
  });

  it('exits 2 when the inspector port is taken, and leaves the listener port free', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const busy = await runCli(['webhooks', 'listen', '--port', '0', '--inspect', '--inspect-port', String(port)]);
    blocker.close();
    expect(busy.code).toBe(2);
    expect(busy.stderr).toMatch(/cannot serve the inspector: port \d+ on 127\.0\.0\.1 is already in use/);
    expect(busy.stderr).toMatch(/--inspect-port 0/);
  });
});

describe('switchyard webhooks inspect', () => {
  it('serves a record folder and replays only to --to', async () => {
    const dir = tmp();
    const app = await startPeer();
    peers.push(app);
    const l = await start(['webhooks', 'listen', '--port', '0', '--secret', SECRET, '--record', dir], /Ready!/);
    const listenerUrl = /Listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(l.stderr())![1]!;
    const event = signedStripe(SECRET, 'invoice.paid', 'evt_folder');
    expect((await send(listenerUrl, event.body, event.headers)).status).toBe(200);
    l.child.kill('SIGINT');
    await l.exited;
    expect(readdirSync(dir)).toHaveLength(1);

    const i = await start(['webhooks', 'inspect', dir, '--to', `${app.url}/hook`, '--secret', SECRET, '--inspect-port', '0'], /Press Ctrl-C/);
    const [, link, token] = /Inspector on (http:\/\/127\.0\.0\.1:\d+\/\?token=([\w-]+))/.exec(i.stderr())!;
    const api = (path: string) => new URL(path, link).toString();
    const list = JSON.parse((await send(api('/api/requests/http'), '', { authorization: `Bearer ${token}` }, 'GET')).text);
    expect(list.requests).toMatchObject([{ eventId: 'evt_folder', verdict: 'verified', source: 'record' }]);
    const replay = await send(api(`/api/requests/http/${list.requests[0].id}/replay`), '{}', { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, 'POST');
    expect(replay.status).toBe(200);
    expect(app.requests[0]!.body.toString()).toBe(event.body);
    i.child.kill('SIGINT');
    expect(await i.exited).toBe(130);
  });

  it('exits 2 for a folder that does not exist', async () => {
    const r = await runCli(['webhooks', 'inspect', '/nonexistent/recordings']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no such folder/);
  });
});
