import { Command } from 'commander';
import type { Runtime } from '../../core/runtime.js';

/** Placeholder until `webhooks replay` lands; replaced by its implementation. */
export function replayCommand(rt: Runtime): Command {
  void rt;
  return new Command('replay').description('(not implemented yet)');
}
