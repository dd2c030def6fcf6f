import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, runCli } from '../support/run-cli.js';
import { signedStripe } from '../integration/listener/peer.js';

/*
 * `listen --record` makes each event safe in the folder's journal (one fdatasync per batch) and writes its fixture
 * without an fsync of its own. A power loss can take fixtures the page cache had not written yet; the journal gives
 * them back. Simulated here: the listener is killed (so the journal stays), then a fixture is deleted and another
 * cut short, as a power loss would leave them; the next `listen --record` on the folder restores both.
 */

const SECRET = 'whsec_recordRecoveryTestSecret0123456789';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function listen(dir: string): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, 'webhooks', 'listen', '--port', '0', '--secret', SECRET, '--record', dir, '--json'], {
    env: cleanEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      const ready = /^\{"ready":true.*\}$/m.exec(err);
      if (ready) resolve((JSON.parse(ready[0]) as { url: string }).url);
    });
    child.on('close', () => reject(new Error(`listen exited early: ${err}`)));
  });
  return { child, url, exited };
}

async function post(url: string, id: string): Promise<number> {
  const event = signedStripe(SECRET, 'payment_intent.succeeded', id);
  const res = await fetch(url, { method: 'POST', headers: event.headers, body: event.body });
  await res.arrayBuffer();
  return res.status;
}

const fixtures = (dir: string) => readdirSync(dir).filter((n) => !n.startsWith('.')).sort();
const journals = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('.switchyard-journal-'));

describe('webhooks listen --record after a power loss', () => {
  it('restores from the journal every fixture lost or cut short, which then verifies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-record-recovery-'));
    dirs.push(dir);
    const first = await listen(dir);
    for (let i = 1; i <= 6; i++) expect(await post(first.url, `evt_recover${i}`)).toBe(200);
    first.child.kill('SIGKILL');
    await first.exited;

    const names = fixtures(dir);
    expect(names).toHaveLength(6);
    expect(journals(dir)).toHaveLength(1);
    const original = names.map((n) => readFileSync(join(dir, n)));
    unlinkSync(join(dir, names[1]!));
    truncateSync(join(dir, names[3]!), 40);

    const second = await listen(dir);
    expect(fixtures(dir)).toEqual(names);
    names.forEach((n, i) => expect(readFileSync(join(dir, n))).toEqual(original[i]));
    expect(journals(dir)).toEqual([]);
    const verified = await runCli(['webhooks', 'verify', ...names.map((n) => join(dir, n)), '--secret', SECRET, '--ignore-time']);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);

    // It numbers on after the restored fixtures, and a clean stop leaves no journal behind.
    expect(await post(second.url, 'evt_recover7')).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(130);
    const after = fixtures(dir);
    expect(after).toHaveLength(7);
    expect(after[6]).toMatch(/^000007-/);
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([]);
  }, 30_000);
});
