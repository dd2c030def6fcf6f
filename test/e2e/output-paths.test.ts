import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

// Every output path is checked before any work starts: exit 2, one line naming the flag and the reason, at once.
// Before, /proc paths made `listen` spin a core and ignore signals, and the others ended in "internal error".
const dir = mkdtempSync(join(tmpdir(), 'switchyard-paths-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const aFile = join(dir, 'a-file');
writeFileSync(aFile, 'x');
const existing = join(dir, 'existing.ndjson');
writeFileSync(existing, 'keep me\n');
// Nothing listens there: a check that happened after connecting would fail differently (exit 4).
const NOWHERE = 'Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true';
const SECRET = 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0';

const cases: [title: string, args: string[], flag: string, reason: RegExp][] = [
  ['listen --record under /proc', ['webhooks', 'listen', '--port', '0', '--record', '/proc/nope'], '--record /proc/nope', /cannot create the directory/],
  ['listen --record under /sys', ['webhooks', 'listen', '--port', '0', '--record', '/sys/nope'], '--record /sys/nope', /cannot create the directory/],
  ['listen --record under a regular file', ['webhooks', 'listen', '--port', '0', '--record', join(aFile, 'rec')], '--record', /a-file is a file, not a directory/],
  ['smoke --report under /proc', ['smoke', '--only', 'webhooks', '--report', '/proc/nope/junit.xml'], '--report /proc/nope/junit.xml', /directory \/proc\/nope does not exist/],
  ['smoke --report in /proc itself', ['smoke', '--only', 'webhooks', '--report', '/proc/junit.xml'], '--report /proc/junit.xml', /cannot write in \/proc/],
  ['smoke --report naming a directory', ['smoke', '--only', 'webhooks', '--report', dir], '--report', /it is a directory/],
  ['emulator --data under /proc', ['emulator', '--port', '0', '--data', '/proc/nope'], '--data /proc/nope', /cannot create the directory/],
  ['queue drain --out over an existing file', ['queue', 'drain', 'orders', '--yes', '--out', existing], '--out', /already exists/],
  ['queue drain --out under a file', ['queue', 'drain', 'orders', '--yes', '--out', join(aFile, 'x.ndjson')], '--out', /a-file is a file, not a directory/],
  ['queue resubmit --journal under /sys', ['queue', 'resubmit', 'orders', '--yes', '--journal', '/sys/journal.log'], '--journal /sys/journal.log', /cannot write in \/sys/],
];

describe('output paths', () => {
  it.each(cases)('%s: exit 2 at once, one line naming the flag and why', async (_title, args, flag, reason) => {
    const started = Date.now();
    const r = await runCli(args, { env: { SERVICEBUS_CONNECTION_STRING: NOWHERE, SWITCHYARD_WEBHOOK_SECRET: SECRET }, timeoutMs: 10_000 });
    expect(r.signal, 'the process had to be killed').toBeNull();
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^error: ${flag.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    expect(lines[0]).toMatch(reason);
    expect(r.stderr).not.toMatch(/internal error|this is a bug/);
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it('smoke --report does not create missing parent directories', async () => {
    const report = join(dir, 'not', 'yet', 'junit.xml');
    const r = await runCli(['smoke', '--only', 'webhooks', '--report', report], { env: { SWITCHYARD_WEBHOOK_SECRET: SECRET } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`mkdir -p ${join(dir, 'not', 'yet')}`);
    expect(existsSync(join(dir, 'not'))).toBe(false);
  });

  it('leaves no probe file behind, and a good --report is written', async () => {
    const out = join(dir, 'reports');
    mkdirSync(out);
    const r = await runCli(['smoke', '--only', 'webhooks', '--report', join(out, 'junit.xml')], { env: { SWITCHYARD_WEBHOOK_SECRET: SECRET } });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out)).toEqual(['junit.xml']);
  });

  it.skipIf(process.getuid?.() === 0)('a directory without write permission is refused (as a non-root user)', async () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    const r = await runCli(['smoke', '--only', 'webhooks', '--report', join(locked, 'junit.xml')], { env: { SWITCHYARD_WEBHOOK_SECRET: SECRET } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --report .*permission denied/);
  });
});
