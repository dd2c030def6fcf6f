import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'switchyard-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const FIXTURE = 'fixtures/webhooks/stripe/charge.refunded.json';
const SECRET = 'whsec_switchyardFixtureTestOnly7f3a9c2e1b';
const verify = (env: Record<string, string>) => runCli(['webhooks', 'verify', FIXTURE, '--secret', SECRET, '--ignore-time'], { env });

const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

/** Every file under the cache folder (Node's own cache keeps its files one folder down). */
function cacheFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? cacheFiles(join(dir, d.name)) : [join(dir, d.name)]));
}

describe('the start-up code cache', () => {
  it('is written on the first run and used by the next, with the same result', async () => {
    const dir = join(root, 'fresh');
    const first = await verify({ SWITCHYARD_CACHE_DIR: dir });
    const files = readdirSync(dir);
    // Node 20: our own vm.Script cache file; Node 22 and later: Node's compile cache, a folder per Node version.
    const name = NODE_MAJOR >= 22 ? /^v\d+\.\d+\.\d+-\w+-[0-9a-f]+-\d+$/ : /^main-[0-9a-f]{8}-webhooks-verify-v\d+\.\d+\.\d+-\w+-\d+-\d+\.v8$/;
    expect(files).toEqual([expect.stringMatching(name)]);
    expect(cacheFiles(dir).length).toBeGreaterThan(0);
    const second = await verify({ SWITCHYARD_CACHE_DIR: dir });
    expect(second).toEqual(first);
    expect(second.code).toBe(0);
    expect(readdirSync(dir)).toEqual(files);
  });

  it.runIf(NODE_MAJOR < 22)('on Node 20, keeps one cache per command and drops those of other builds of this install', async () => {
    // A cache holds what the run that wrote it compiled: one written by --help would leave verify compiling its
    // whole path on every start.
    const dir = join(root, 'per-command');
    await verify({ SWITCHYARD_CACHE_DIR: dir });
    const [own] = readdirSync(dir);
    const stale = own!.replace(/-\d+-\d+\.v8$/, '-1-1.v8');
    const other = 'main-00000000-top-v20.0.0-x64-1-1.v8';
    writeFileSync(join(dir, stale), 'an older build');
    writeFileSync(join(dir, other), 'another install');
    const help = await runCli(['--help'], { env: { SWITCHYARD_CACHE_DIR: dir } });
    expect(help.code).toBe(0);
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(3);
    expect(files).toEqual(expect.arrayContaining([own, other, expect.stringMatching(/^main-[0-9a-f]{8}-top-v/)]));
    expect((await verify({ SWITCHYARD_CACHE_DIR: dir })).code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(files);
  });

  it('survives a corrupt cache file and replaces it', async () => {
    const dir = join(root, 'corrupt');
    await verify({ SWITCHYARD_CACHE_DIR: dir });
    const files = cacheFiles(dir);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) writeFileSync(file, 'not a V8 code cache');
    const result = await verify({ SWITCHYARD_CACHE_DIR: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('runs without a cache where it cannot write one, and when told not to use one', async () => {
    // A file where the cache directory would go: mkdir fails, as on a read-only home.
    const locked = join(root, 'locked');
    writeFileSync(locked, 'not a directory');
    const unwritable = await verify({ SWITCHYARD_CACHE_DIR: join(locked, 'cache') });
    expect(unwritable.code).toBe(0);
    expect(unwritable.stderr).toBe('');
    // Under /proc every mkdir fails with ENOENT, on which Node's recursive mkdir loops for ever (at exit, deaf to
    // signals): the run must still end at once.
    const proc = await verify({ SWITCHYARD_CACHE_DIR: '/proc/switchyard-cache' });
    expect(proc.signal).toBeNull();
    expect(proc.code).toBe(0);
    expect(proc.stderr).toBe('');
    const off = join(root, 'off');
    const disabled = await verify({ SWITCHYARD_CACHE_DIR: off, SWITCHYARD_NO_COMPILE_CACHE: '1' });
    expect(disabled.code).toBe(0);
    expect(() => readdirSync(off)).toThrow();
  });
});
