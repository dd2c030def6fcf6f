import { Command } from 'commander';
import type { Runtime } from '../../core/runtime.js';

/** Placeholder until `webhooks listen` lands; replaced by its implementation. */
export function listenCommand(rt: Runtime): Command {
  void rt;
  return new Command('listen').description('(not implemented yet)');
}
