import { Command } from 'commander';
import type { Runtime } from '../core/runtime.js';

/** `switchyard emulator`: a local Service Bus-compatible AMQP broker. */
export function emulatorCommand(rt: Runtime): Command {
  void rt;
  return new Command('emulator').description('run a local Service Bus-compatible emulator (AMQP 1.0)');
}
