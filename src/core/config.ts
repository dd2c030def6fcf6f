// zod/mini rather than the classic API: it is tree-shaken to a few kilobytes, while the classic API costs about
// 30 ms at every start-up (measured), which --help and `webhooks verify` cannot afford.
import * as z from 'zod/mini';
import { ConfigError } from './errors.js';
import { maskSecret } from './mask.js';

/**
 * The schema of every setting, each built on first use: building them all cost every command a few milliseconds
 * of start-up, and each command validates only the settings it needs (requireSetting), so `webhooks verify`
 * works with no Stripe key.
 */
const SETTING_SCHEMAS = {
  stripeApiKey: () =>
    z.string().check(z.regex(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/, 'must be a Stripe secret or restricted key (sk_test_… or rk_test_…)')),
  stripeApiBase: () => z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:12111' }),
  webhookSecret: () => z.string().check(z.trim(), z.minLength(1, 'must not be empty')),
  // 'auto', a built-in provider or a custom scheme's name: which names exist is checked by the webhooks commands.
  webhookProvider: () => z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]*$/i, 'must be auto or a provider name such as stripe or twilio')),
  webhookPublicKey: () => z.string().check(z.trim(), z.minLength(1, 'must not be empty')),
  webhookUrl: () => z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  serviceBusConnectionString: () =>
    z.string().check(z.regex(/Endpoint=sb:\/\/[^;]+/i, 'must be a Service Bus connection string (Endpoint=sb://…;SharedAccessKeyName=…)')),
  serviceBusNamespace: () =>
    z.string().check(z.regex(/^[A-Za-z0-9.-]+(:\d+)?$/, 'must be a host name such as contoso.servicebus.windows.net')),
  serviceBusManagementPort: () =>
    z
      .string()
      .check(z.regex(/^([1-9]\d{0,3}|[1-5]\d{4}|6[0-4]\d{3}|65[0-4]\d{2}|655[0-2]\d|6553[0-5])$/, 'must be a TCP port number (1-65535)')),
};
export type Settings = { [N in keyof typeof SETTING_SCHEMAS]: z.infer<ReturnType<(typeof SETTING_SCHEMAS)[N]>> };
export type SettingName = keyof Settings;

interface SettingSpec {
  env: string[];
  flag: string;
  secret: boolean;
  default?: string;
}

/** Where each setting may come from, and whether it is a secret to mask. */
export const SETTINGS: Record<SettingName, SettingSpec> = {
  stripeApiKey: { env: ['STRIPE_API_KEY', 'STRIPE_SECRET_KEY'], flag: '--api-key', secret: true },
  stripeApiBase: { env: ['STRIPE_API_BASE'], flag: '--api-base', secret: false, default: 'https://api.stripe.com' },
  webhookSecret: { env: ['SWITCHYARD_WEBHOOK_SECRET', 'STRIPE_WEBHOOK_SECRET'], flag: '--secret', secret: true },
  webhookProvider: { env: ['SWITCHYARD_WEBHOOK_PROVIDER'], flag: '--provider', secret: false, default: 'auto' },
  webhookUrl: { env: ['SWITCHYARD_WEBHOOK_URL'], flag: '--webhook-url', secret: false },
  webhookPublicKey: { env: ['SWITCHYARD_WEBHOOK_PUBLIC_KEY'], flag: '--public-key', secret: false },
  serviceBusConnectionString: {
    env: ['SERVICEBUS_CONNECTION_STRING'],
    flag: '--connection-string',
    secret: true,
  },
  serviceBusNamespace: { env: ['SERVICEBUS_NAMESPACE'], flag: '--namespace', secret: false },
  // Only for UseDevelopmentEmulator=true connection strings: where the emulator's HTTP management API listens.
  serviceBusManagementPort: { env: ['SERVICEBUS_MANAGEMENT_PORT'], flag: '--management-port', secret: false },
};

export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

/** The config file's shape: settings at the top, and named profiles that override them. Built when a file is read. */
const configFileSchema = () =>
  z.catchall(
    z.object({
      profiles: z.optional(z.record(z.string(), z.record(z.string(), z.unknown()))),
      /** Named custom webhook signature schemes (`--provider name`), validated by the webhooks commands. */
      schemes: z.optional(z.record(z.string(), z.unknown())),
    }),
    z.unknown(),
  );
export type ConfigFile = z.infer<ReturnType<typeof configFileSchema>>;
let fileSchema: ReturnType<typeof configFileSchema> | undefined;

/** Parses a config file's JSON value. */
export function parseConfigFile(value: unknown): ReturnType<ReturnType<typeof configFileSchema>['safeParse']> {
  fileSchema ??= configFileSchema();
  return fileSchema.safeParse(value);
}

export interface ConfigSource {
  file?: ConfigFile;
  /** Shown in messages, e.g. "./switchyard.config.json". */
  filePath?: string;
  profile?: string;
}

export interface LoadedSetting {
  value: string;
  /** "default", "config file ./x.json", "profile staging in ./x.json", "environment STRIPE_API_KEY", "flag --api-key". */
  source: string;
}

/** Raw settings with their sources; each is validated when a command asks for it. */
export interface Config {
  readonly settings: Partial<Record<SettingName, LoadedSetting>>;
  readonly profile?: string;
  readonly filePath?: string;
  /** The config file's `schemes` (a profile's own added over them), not yet validated. */
  readonly schemes?: Record<string, unknown>;
}

/**
 * Merges defaults < config file < profile < environment < flags. Pure: the environment and the parsed file are
 * arguments. Unknown keys in the file and an unknown profile are reported with where they came from.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv,
  flags: Partial<Record<SettingName, string | undefined>>,
  source: ConfigSource = {},
): Config {
  const settings: Partial<Record<SettingName, LoadedSetting>> = {};
  const where = source.filePath ?? 'the config file';
  for (const name of SETTING_NAMES) {
    const d = SETTINGS[name].default;
    if (d !== undefined) settings[name] = { value: d, source: 'default' };
  }
  const apply = (values: Record<string, unknown>, label: string) => {
    for (const [key, value] of Object.entries(values)) {
      if (key === 'profiles' || key === 'schemes') continue;
      if (!(key in SETTINGS)) {
        throw new ConfigError(`unknown setting "${key}" in ${label}`, {
          hint: `known settings: ${SETTING_NAMES.join(', ')}`,
        });
      }
      if (typeof value !== 'string') {
        throw new ConfigError(`setting "${key}" in ${label} must be a string`);
      }
      settings[key as SettingName] = { value, source: label };
    }
  };
  if (source.file) apply(source.file, `config file ${where}`);
  if (source.profile) {
    const profile = source.file?.profiles?.[source.profile];
    if (!profile) {
      const known = Object.keys(source.file?.profiles ?? {});
      throw new ConfigError(`profile "${source.profile}" is not defined in ${where}`, {
        hint: known.length ? `defined profiles: ${known.join(', ')}` : 'add it under "profiles" in the config file',
      });
    }
    apply(profile, `profile ${source.profile} in ${where}`);
  }
  for (const name of SETTING_NAMES) {
    for (const variable of SETTINGS[name].env) {
      const value = env[variable];
      if (value !== undefined && value !== '') {
        settings[name] = { value, source: `environment ${variable}` };
        break;
      }
    }
    const flag = flags[name];
    if (flag !== undefined) settings[name] = { value: flag, source: `flag ${SETTINGS[name].flag}` };
  }
  const profileSchemes = source.profile ? source.file?.profiles?.[source.profile]?.schemes : undefined;
  const schemes = { ...(source.file?.schemes ?? {}), ...(profileSchemes && typeof profileSchemes === 'object' ? (profileSchemes as Record<string, unknown>) : {}) };
  return { settings, profile: source.profile, filePath: source.filePath, ...(Object.keys(schemes).length ? { schemes } : {}) };
}

const built: { [N in SettingName]?: ReturnType<(typeof SETTING_SCHEMAS)[N]> } = {};

function schemaOf<N extends SettingName>(name: N): ReturnType<(typeof SETTING_SCHEMAS)[N]> {
  return (built[name] ??= SETTING_SCHEMAS[name]() as never) as ReturnType<(typeof SETTING_SCHEMAS)[N]>;
}

/** The validated value of a setting, or undefined when it is not set anywhere. */
export function getSetting<N extends SettingName>(config: Config, name: N): Settings[N] | undefined {
  const loaded = config.settings[name];
  if (!loaded) return undefined;
  const parsed = schemaOf(name).safeParse(loaded.value);
  if (!parsed.success) {
    const shown = SETTINGS[name].secret ? maskSecret(loaded.value) : JSON.stringify(loaded.value);
    const issue = parsed.error.issues[0]?.message ?? 'invalid value';
    throw new ConfigError(`invalid ${settingLabel(config, name)} ${shown}${fromWhere(loaded.source)}: ${issue}`);
  }
  return parsed.data as Settings[N];
}

/** Like getSetting, but a missing value is a configuration error naming the variable and the flag. */
export function requireSetting<N extends SettingName>(config: Config, name: N, hint?: string): Settings[N] {
  const value = getSetting(config, name);
  if (value === undefined) {
    const spec = SETTINGS[name];
    throw new ConfigError(`${spec.env[0]} is not set`, {
      hint: hint ?? `set it or pass ${spec.flag}`,
    });
  }
  return value;
}

export function describeSetting(name: SettingName): string {
  return SETTINGS[name].env[0] ?? name;
}

/**
 * The name the user gave a setting under: the flag when it came from the flag, the variable when it came from the
 * environment, the key when it came from the config file; an error never names a variable the user did not set.
 */
export function settingLabel(config: Config, name: SettingName): string {
  const source = config.settings[name]?.source ?? '';
  if (source.startsWith('flag ')) return source.slice('flag '.length);
  if (source.startsWith('environment ')) return source.slice('environment '.length);
  if (source.startsWith('config file ') || source.startsWith('profile ')) return `"${name}"`;
  return describeSetting(name);
}

/** " (from environment X)", " (from config file x)"; nothing for a flag, which the label already names. */
function fromWhere(source: string): string {
  return source.startsWith('flag ') ? '' : ` (from ${source})`;
}

/** Every setting with its source and a masked value, for doctor and --verbose. */
export function describeConfig(config: Config): { name: SettingName; env: string; value: string | null; source: string | null }[] {
  return SETTING_NAMES.map((name) => {
    const loaded = config.settings[name];
    const spec = SETTINGS[name];
    return {
      name,
      env: spec.env[0] ?? name,
      value: loaded ? (spec.secret ? maskSecret(loaded.value) : loaded.value) : null,
      source: loaded?.source ?? null,
    };
  });
}
