import { Command } from 'commander';
import type { Runtime } from '../../core/runtime.js';

/** Placeholder until `webhooks sign` lands; replaced by its implementation. */
export function signCommand(rt: Runtime): Command {
  void rt;
  return new Command('sign').description('(not implemented yet)');
}
