import { Command } from 'commander';
import type { Runtime } from '../../core/runtime.js';

/** Placeholder until `webhooks verify` lands; replaced by its implementation. */
export function verifyCommand(rt: Runtime): Command {
  void rt;
  return new Command('verify').description('(not implemented yet)');
}
