import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogFor, signRequest, verifyWebhook } from '../../src/adapters/webhooks/index.js';
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

describe('webhooks inspect with the listener\'s flags for the newer schemes', () => {
  const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
  /** fixtures/README.md's test-only Twilio auth token; also the custom scheme's secret here. */
  const TWILIO = 'f1x7ur3a0th0t0k3n0sw1tchyard0042';
  const TWILIO_URL = 'https://example.com/webhooks/twilio/sms';
  const SCHEME = '{"name":"acme","header":"x-acme-signature","prefix":"sha256="}';
  const catalog = catalogFor(undefined, SCHEME);

  /** A record folder: twilio recorded without its URL (no --public-url then), discord, and a custom scheme. */
  function recordings(): string {
    const dir = tmp();
    const twilio = JSON.parse(readFileSync(join(FIXTURES, 'webhooks/twilio/message-received.json'), 'utf8')) as Record<string, unknown>;
    delete twilio.url;
    writeFileSync(join(dir, '000001-20261113T085320000Z-sms.json'), JSON.stringify(twilio));
    writeFileSync(join(dir, '000002-20261113T085320000Z-command.json'), readFileSync(join(FIXTURES, 'webhooks/discord/application-command.json')));
    const body = '{"id":"acme_1","type":"order.paid"}';
    const signed = signRequest({ provider: 'acme', body: Buffer.from(body), secret: TWILIO, catalog });
    const acme = { provider: 'acme', method: 'POST', path: '/acme', receivedAt: new Date().toISOString(), headers: { 'content-type': 'application/json', ...signed.headers }, body };
    writeFileSync(join(dir, '000003-20261113T085320000Z-order.paid.json'), JSON.stringify(acme));
    return dir;
  }

  async function inspect(dir: string, args: string[]) {
    const i = await start(['webhooks', 'inspect', dir, '--inspect-port', '0', ...args], /Press Ctrl-C/);
    const [, link, token] = /Inspector on (http:\/\/127\.0\.0\.1:\d+\/\?token=([\w-]+))/.exec(i.stderr())!;
    const call = async (path: string, body?: unknown) => {
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) };
      const r = await send(new URL(path, link).toString(), body ? JSON.stringify(body) : '', headers, body ? 'POST' : 'GET');
      return { status: r.status, json: JSON.parse(r.text) as Record<string, any> };
    };
    const list = (await call('/api/requests/http')).json.requests as { id: string; provider: string; verdict: string; reason: string | null }[];
    return { i, call, byProvider: Object.fromEntries(list.map((r) => [r.provider, r])) };
  }

  it('verifies with --public-key, --public-url and --scheme, re-signs twilio over the URL it signed and the custom scheme, and says why discord cannot be', async () => {
    const dir = recordings();
    const app = await startPeer();
    peers.push(app);
    const { i, call, byProvider } = await inspect(dir, [
      '--to', `${app.url}/hook`, '--secret', TWILIO, '--public-key', join(FIXTURES, 'keys/discord.pub'), '--public-url', 'https://example.com', '--scheme', SCHEME,
    ]);
    expect(Object.fromEntries(Object.entries(byProvider).map(([p, r]) => [p, r.verdict]))).toEqual({ twilio: 'verified', discord: 'verified', acme: 'verified' });
    expect((await call('/api/config')).json.keySigned.sort()).toEqual(['discord', 'sendgrid']);

    const refused = await call(`/api/requests/http/${byProvider.discord!.id}/replay`, { mode: 'resigned' });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toMatch(/^cannot re-sign: discord signs with its own private key, which the inspector does not have; replay it as recorded/);
    expect((await call(`/api/requests/http/${byProvider.discord!.id}/replay`, { mode: 'original' })).status).toBe(200);

    for (const provider of ['twilio', 'acme']) {
      const r = await call(`/api/requests/http/${byProvider[provider]!.id}/replay`, { mode: 'resigned' });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      expect(r.json.timeline.at(-1)).toMatchObject({ mode: 'resigned', resigned: true, status: 200 });
    }
    await app.received(3);
    const [discord, twilio, acme] = app.requests;
    expect(discord!.headers['x-signature-ed25519']).toBe(JSON.parse(readFileSync(join(dir, '000002-20261113T085320000Z-command.json'), 'utf8')).headers['x-signature-ed25519']);
    const check = (seen: typeof twilio, provider: string, url?: string) =>
      verifyWebhook({ provider, body: seen!.body, headers: seen!.headers as Record<string, string>, secret: TWILIO, url, catalog });
    expect(check(twilio, 'twilio', TWILIO_URL)).toMatchObject({ valid: true });
    expect(check(acme, 'acme')).toMatchObject({ valid: true });
    i.child.kill('SIGINT');
    expect(await i.exited).toBe(130);
    expect(i.stderr()).not.toContain(TWILIO);

    // The same folder without those flags: twilio has no URL to check, discord no key, acme is an unknown scheme.
    const bare = await inspect(dir, ['--secret', TWILIO]);
    expect(Object.fromEntries(Object.entries(bare.byProvider).map(([p, r]) => [p, r.verdict]))).toEqual({ twilio: 'failed', discord: 'failed', acme: 'failed' });
    expect(bare.byProvider.acme!.reason).toMatch(/unknown scheme "acme"/);
    bare.i.child.kill('SIGINT');
    expect(await bare.i.exited).toBe(130);
  });

  it('listen --inspect hands its --scheme and --public-url to the inspector: a custom-scheme delivery is re-signed on replay', async () => {
    const app = await startPeer();
    peers.push(app);
    const l = await start(
      ['webhooks', 'listen', '--port', '0', '--inspect', '--inspect-port', '0', '--secret', TWILIO, '--scheme', SCHEME, '--public-url', 'https://example.com', '--forward-to', `${app.url}/hook`],
      /inspector: http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/,
    );
    const [, link, token] = /inspector: (http:\/\/127\.0\.0\.1:\d+\/\?token=([\w-]+))/.exec(l.stderr())!;
    const listenerUrl = /Listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(l.stderr())![1]!;
    const body = '{"id":"acme_2","type":"order.paid"}';
    const signed = signRequest({ provider: 'acme', body: Buffer.from(body), secret: TWILIO, catalog });
    expect((await send(listenerUrl, body, { 'content-type': 'application/json', ...signed.headers })).status).toBe(200);
    await app.received(1);
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const r = await send(new URL('/api/requests/http/1/replay', link).toString(), '{"mode":"resigned"}', auth, 'POST');
    expect(r.status, r.text).toBe(200);
    expect(JSON.parse(r.text)).toMatchObject({ provider: 'acme', verdict: 'verified' });
    await app.received(2);
    const seen = app.requests[1]!;
    expect(verifyWebhook({ provider: 'acme', body: seen.body, headers: seen.headers as Record<string, string>, secret: TWILIO, catalog })).toMatchObject({ valid: true });
    l.child.kill('SIGINT');
    expect(await l.exited).toBe(130);
  });

  it('refuses bad --public-key, --public-url and --scheme values: exit 2, one line naming the flag', async () => {
    const dir = tmp();
    const cases: [string[], string][] = [
      [['--public-url', 'example.com/sms'], 'error: invalid --public-url "example.com/sms"'],
      [['--public-key', 'zz'], 'error: --public-key is not a public key'],
      [['--scheme', '{"header":"x","encoding":"base32"}'], 'error: --scheme: "encoding" must be hex or base64'],
    ];
    for (const [args, line] of cases) {
      const r = await runCli(['webhooks', 'inspect', dir, '--inspect-port', '0', ...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.startsWith(line), r.stderr).toBe(true);
      expect(r.stdout).toBe('');
    }
  });
});
