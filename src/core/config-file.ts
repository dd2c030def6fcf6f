import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfigFile, type ConfigSource } from './config.js';
import { ConfigError } from './errors.js';

/** The user's config directory, as the platform conventions have it. */
export function userConfigPath(env: NodeJS.ProcessEnv): string {
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'switchyard', 'config.json');
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'switchyard', 'config.json');
}

/**
 * Finds and parses the config file: --config, else ./switchyard.config.json, else the user's config directory.
 * An explicit --config that does not exist is an error; the implicit places are optional.
 */
export function readConfigSource(cwd: string, env: NodeJS.ProcessEnv, explicit?: string, profile?: string): ConfigSource {
  const candidates = explicit ? [resolve(cwd, explicit)] : [join(cwd, 'switchyard.config.json'), userConfigPath(env)];
  const path = candidates.find((p) => existsSync(p));
  if (!path) {
    if (explicit) throw new ConfigError(`config file ${explicit} does not exist`, { hint: 'check the --config path' });
    return { profile };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const file = parseConfigFile(parsed);
  if (!file.success) {
    throw new ConfigError(`config file ${path} must hold a JSON object of settings`, {
      hint: 'see "Configuration" in the README',
    });
  }
  return { file: file.data, filePath: path, profile };
}
