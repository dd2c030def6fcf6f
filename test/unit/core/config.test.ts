import { describe, expect, it } from 'vitest';
import { describeConfig, getSetting, loadConfig, requireSetting } from '../../../src/core/config.js';
import { ConfigError, ExitCode } from '../../../src/core/errors.js';

const KEY = 'sk_test_51Hx0000000000000000abcd';

describe('loadConfig', () => {
  it('applies defaults < config file < profile < environment < flags', () => {
    const file = {
      stripeApiBase: 'http://file.example:1',
      webhookSecret: 'whsec_fromfile',
      webhookProvider: 'github',
      profiles: { ci: { stripeApiBase: 'http://profile.example:2', webhookSecret: 'whsec_fromprofile' } },
    };
    const config = loadConfig(
      { STRIPE_API_BASE: 'http://env.example:3', STRIPE_API_KEY: KEY },
      { stripeApiBase: 'http://flag.example:4' },
      { file, filePath: './switchyard.config.json', profile: 'ci' },
    );
    expect(config.settings.stripeApiBase).toEqual({ value: 'http://flag.example:4', source: 'flag --api-base' });
    expect(config.settings.stripeApiKey?.source).toBe('environment STRIPE_API_KEY');
    expect(config.settings.webhookSecret).toEqual({
      value: 'whsec_fromprofile',
      source: 'profile ci in ./switchyard.config.json',
    });
    expect(config.settings.webhookProvider?.source).toBe('config file ./switchyard.config.json');
    expect(loadConfig({}, {}).settings.webhookProvider).toEqual({ value: 'auto', source: 'default' });
  });

  it('takes the first of several environment names that is set', () => {
    const config = loadConfig({ STRIPE_SECRET_KEY: KEY, STRIPE_WEBHOOK_SECRET: 'whsec_b', SWITCHYARD_WEBHOOK_SECRET: 'whsec_a' }, {});
    expect(config.settings.stripeApiKey?.source).toBe('environment STRIPE_SECRET_KEY');
    expect(config.settings.webhookSecret?.value).toBe('whsec_a');
  });

  it('reports an unknown profile and lists the defined ones', () => {
    const file = { profiles: { staging: {} } };
    expect(() => loadConfig({}, {}, { file, filePath: 'cfg.json', profile: 'prod' })).toThrow(
      /profile "prod" is not defined in cfg.json/,
    );
  });

  it('reports an unknown key in the file with where it came from', () => {
    expect(() => loadConfig({}, {}, { file: { stripeKey: 'x' }, filePath: 'cfg.json' })).toThrow(
      /unknown setting "stripeKey" in config file cfg.json/,
    );
  });
});

describe('getSetting', () => {
  it('names the setting and its source for an invalid value, masking secrets', () => {
    const config = loadConfig({ STRIPE_API_KEY: 'pk_test_notasecretkey123456' }, {});
    const error = (() => {
      try {
        getSetting(config, 'stripeApiKey');
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.exitCode).toBe(ExitCode.usage);
    expect(error?.message).toContain('STRIPE_API_KEY');
    expect(error?.message).toContain('from environment STRIPE_API_KEY');
    expect(error?.message).not.toContain('pk_test_notasecretkey123456');
  });

  it('validates only the setting asked for', () => {
    const config = loadConfig({ STRIPE_API_BASE: 'not a url', SWITCHYARD_WEBHOOK_SECRET: 'whsec_ok' }, {});
    expect(getSetting(config, 'webhookSecret')).toBe('whsec_ok');
    expect(() => getSetting(config, 'stripeApiBase')).toThrow(/STRIPE_API_BASE "not a url" \(from environment STRIPE_API_BASE\)/);
  });

  it('rejects an empty or blank secret', () => {
    // Named by the flag it came from, never by a variable the user did not set.
    expect(() => getSetting(loadConfig({}, { webhookSecret: '  ' }), 'webhookSecret')).toThrow(/^invalid --secret .*must not be empty/);
    expect(() => getSetting(loadConfig({}, { webhookSecret: '  ' }), 'webhookSecret')).not.toThrow(/SWITCHYARD_WEBHOOK_SECRET/);
  });
});

describe('requireSetting', () => {
  it('names the environment variable and the flag of a missing setting', () => {
    expect(() => requireSetting(loadConfig({}, {}), 'stripeApiKey')).toThrow('STRIPE_API_KEY is not set');
    try {
      requireSetting(loadConfig({}, {}), 'stripeApiKey');
    } catch (e) {
      expect((e as ConfigError).hint).toContain('--api-key');
    }
  });
});

describe('describeConfig', () => {
  it('shows every setting with its source and masks secrets', () => {
    const rows = describeConfig(loadConfig({ STRIPE_API_KEY: KEY, SERVICEBUS_CONNECTION_STRING: 'Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0' }, {}));
    const key = rows.find((r) => r.name === 'stripeApiKey');
    expect(key).toEqual({ name: 'stripeApiKey', env: 'STRIPE_API_KEY', value: 'sk_test_…abcd', source: 'environment STRIPE_API_KEY' });
    const sb = rows.find((r) => r.name === 'serviceBusConnectionString');
    expect(sb?.value).not.toContain('c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0');
    expect(sb?.value).toContain('SharedAccessKeyName=root');
    expect(rows.find((r) => r.name === 'webhookUrl')).toMatchObject({ value: null, source: null });
  });
});
