import type { Command } from 'commander';
import { loadConfig, type Config, type SettingName } from './config.js';
import { readConfigSource } from './config-file.js';
import { Output, type OutputFlags } from './output.js';
import { Prompter } from './prompt.js';
import type { Runtime } from './runtime.js';

/** The global flags every command accepts (declared once on the program). */
export interface GlobalFlags extends OutputFlags {
  input?: boolean;
  config?: string;
  profile?: string;
}

/** What a command's run function gets: streams, output, settings, prompts and the interrupt signal. */
export interface Context {
  rt: Runtime;
  out: Output;
  config: Config;
  prompt: Prompter;
  signal: AbortSignal;
}

/**
 * Builds the context for a command from its parsed options. `settingFlags` maps the command's own flags
 * (--api-key, --secret, …) to settings, so flags take precedence over everything else.
 */
export function createContext(
  rt: Runtime,
  command: Command,
  settingFlags: Partial<Record<SettingName, string | undefined>> = {},
): Context {
  const flags = command.optsWithGlobals<GlobalFlags>();
  const out = new Output(rt, flags);
  const source = readConfigSource(rt.cwd, rt.env, flags.config, flags.profile ?? (rt.env.SWITCHYARD_PROFILE || undefined));
  const config = loadConfig(rt.env, settingFlags, source);
  return { rt, out, config, prompt: new Prompter(rt, out, flags.input === false), signal: rt.signal };
}

/** A context without a command, for tests and for in-process use (demo, smoke). */
export function contextFor(rt: Runtime, config: Config, flags: GlobalFlags = {}): Context {
  const out = new Output(rt, flags);
  return { rt, out, config, prompt: new Prompter(rt, out, flags.input === false), signal: rt.signal };
}
