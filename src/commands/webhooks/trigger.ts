import { Command } from 'commander';
import type { Runtime } from '../../core/runtime.js';

/** Placeholder until `webhooks trigger` lands; replaced by its implementation. */
export function triggerCommand(rt: Runtime): Command {
  void rt;
  return new Command('trigger').description('(not implemented yet)');
}
