/** Where src/start.ts leaves an import() that works, for code that runs from V8's code cache. */
export const ESM_IMPORT = Symbol.for('switchyard.importEsm');

type Importer = (specifier: string) => Promise<unknown>;

/**
 * Imports an ESM-only package (ora, @inquirer/prompts). The bundled CLI is compiled through vm.Script with V8's
 * code cache, where import() has no module loader behind it (Node 20's only way to give it one prints an
 * experimental warning); src/start.ts therefore supplies one from an ordinary module. Without it (tests, the tsc
 * build, a run with the cache disabled) this is a plain import().
 */
export function importEsm<T>(specifier: 'ora' | '@inquirer/prompts'): Promise<T> {
  const hook = (globalThis as Record<symbol, Importer | undefined>)[ESM_IMPORT];
  return (hook ? hook(specifier) : import(specifier)) as Promise<T>;
}
