import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import { ensureDirSync } from './core/make-dir.js';

/**
 * The first code bin/switchyard.js runs: loads the bundled CLI (main.cjs) through V8's code cache, so a start does
 * not compile 400 KB of JavaScript again. Node 22 has this built in (module.enableCompileCache); Node 20 gets the
 * same from vm.Script cachedData, one cache per command. A cache that cannot be read or written only costs the
 * compile it would have saved.
 */
const main = join(__dirname, 'main.cjs');

function cacheDir(env: NodeJS.ProcessEnv): string {
  if (env.SWITCHYARD_CACHE_DIR) return env.SWITCHYARD_CACHE_DIR;
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'switchyard', 'cache');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'switchyard');
}

/** Cache files of this build kept at most: one per command run, the least recently written going first. */
const MAX_CACHES = 16;

/**
 * The command a run is for, as in `webhooks-verify` (`top` for none): each gets its own cache. A cache holds the
 * functions compiled by the run that wrote it, so one written by `--help` would leave `webhooks verify` compiling
 * its whole path on every start.
 */
function commandKey(argv: readonly string[]): string {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const arg = argv[i]!;
    if (arg === '--config' || arg === '--profile') i += 1;
    else if (!arg.startsWith('-')) {
      if (!/^[a-z][a-z0-9-]{0,30}$/.test(arg)) break;
      words.push(arg);
    }
  }
  return words.join('-') || 'top';
}

/** Caches not written for this long are removed by any install's run: an install that was deleted leaves some. */
const ORPHAN_MS = 30 * 24 * 3600 * 1000;

/** FNV-1a of the bundle's path, naming its caches: installs side by side (global, per project) keep their own. */
function pathTag(path: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Removes this install's caches of other builds, its oldest beyond MAX_CACHES, and anyone's orphans. */
function pruneCaches(dir: string, prefix: string, build: string, keep: string): void {
  const ours: { name: string; mtime: number }[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith('main-') || name === keep) continue;
    const mtime = statSync(join(dir, name)).mtimeMs;
    if (name.startsWith(prefix) && name.endsWith(build)) ours.push({ name, mtime });
    else if (name.startsWith(prefix) || Date.now() - mtime > ORPHAN_MS) rmSync(join(dir, name), { force: true });
  }
  ours.sort((a, b) => b.mtime - a.mtime);
  for (const old of ours.slice(MAX_CACHES - 1)) rmSync(join(dir, old.name), { force: true });
}

function loadWithCodeCache(dir: string): void {
  const stat = statSync(main);
  const prefix = `main-${pathTag(main)}-`;
  const build = `-${process.version}-${process.arch}-${stat.size}-${Math.trunc(stat.mtimeMs)}.v8`;
  const key = `${prefix}${commandKey(process.argv.slice(2))}${build}`;
  const cacheFile = join(dir, key);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // First run, or the cache was cleared.
  }
  const script = new vm.Script(Module.wrap(readFileSync(main, 'utf8')), { filename: main, cachedData });
  // import() inside a vm.Script has no loader; core/esm-import.ts finds this one instead.
  (globalThis as Record<symbol, unknown>)[Symbol.for('switchyard.importEsm')] = (specifier: string) => import(specifier);
  if (!cachedData || script.cachedDataRejected) {
    // Written at exit, so the functions this run compiled lazily are in the cache too.
    process.once('exit', () => {
      try {
        // Not mkdirSync's recursive mode: it never returns for a directory under /proc (SWITCHYARD_CACHE_DIR=/proc/x).
        ensureDirSync(dir);
        pruneCaches(dir, prefix, build, key);
        const temp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(temp, script.createCachedData());
        renameSync(temp, cacheFile);
      } catch {
        // A read-only home or a full disk: run without a cache.
      }
    });
  }
  const mod = new Module(main, module);
  mod.filename = main;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(main));
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(mod.exports, mod.exports, Module.createRequire(main), mod, main, dirname(main));
}

const env = process.env;
const enableCompileCache = (Module as unknown as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
if (env.NODE_DISABLE_COMPILE_CACHE || env.SWITCHYARD_NO_COMPILE_CACHE) {
  require(main);
} else if (enableCompileCache) {
  // Created here first: Node's own mkdir for the cache loops for ever on a path such as /proc/x (see make-dir.ts).
  const dir = cacheDir(env);
  let usable = true;
  try {
    ensureDirSync(dir);
  } catch {
    usable = false;
  }
  if (usable) enableCompileCache(dir);
  require(main);
} else {
  loadWithCodeCache(cacheDir(env));
}
