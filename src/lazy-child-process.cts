// Put by the bundler (package.json "bundle", --alias) in place of node:child_process in the CLI bundle. Only
// commander requires child_process, at load, to run executable subcommands, which switchyard has none of; loading
// it (with net, dgram and their streams) cost every start-up 5-6 ms. It is now loaded on first use.
import type * as ChildProcess from 'node:child_process';

// Not a literal specifier, which the bundler would send back to this file.
const specifier = ['node', 'child_process'].join(':');
let loaded: typeof ChildProcess | undefined;
const load = (): Record<PropertyKey, unknown> => (loaded ??= require(specifier) as typeof ChildProcess) as never;

module.exports = new Proxy({} as Record<PropertyKey, unknown>, {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, key) => {
    const d = Reflect.getOwnPropertyDescriptor(load(), key);
    return d && { ...d, configurable: true };
  },
});
