import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import { ensureDirSync } from './core/make-dir.js';

/**
 * The first code bin/switchyard.js runs: loads the bundled CLI (main.cjs) through V8's code cache, so a start does
 * not compile 400 KB of JavaScript again. Node 22 has this built in (module.enableCompileCache); Node 20 gets the
 * same from vm.Script cachedData. A cache that cannot be read or written only costs the compile it would have saved.
 */
const main = join(__dirname, 'main.cjs');

function cacheDir(env: NodeJS.ProcessEnv): string {
  if (env.SWITCHYARD_CACHE_DIR) return env.SWITCHYARD_CACHE_DIR;
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'switchyard', 'cache');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'switchyard');
}

function loadWithCodeCache(dir: string): void {
  const stat = statSync(main);
  const key = `main-${process.version}-${process.arch}-${stat.size}-${Math.trunc(stat.mtimeMs)}.v8`;
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
        for (const old of readdirSync(dir)) if (old.startsWith('main-') && old !== key) rmSync(join(dir, old), { force: true });
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
