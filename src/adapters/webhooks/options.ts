/** Flag values the webhooks commands share: schemes, keys and URLs. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { catalogFor, type SchemeCatalog } from './index.js';
import { parsePrivateKey, parsePublicKey } from './keys.js';
import { getSetting } from '../../core/config.js';
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';

/** The schemes this command knows: built-in, the config file's `schemes`, and --scheme. */
export function schemeCatalog(ctx: Context, schemeFlag: string | undefined): SchemeCatalog {
  return catalogFor(ctx.config.schemes, schemeFlag, ctx.config.filePath ?? 'the config file');
}

/** A key flag's value: the content of the file it names, else the value itself. */
export function fileOrValue(value: string): string {
  const v = value.trim();
  if (!v.includes('\n') && v.length < 4096 && existsSync(v) && statSync(v).isFile()) return readFileSync(v, 'utf8');
  return v;
}

/** --public-key (or SWITCHYARD_WEBHOOK_PUBLIC_KEY): a file or a value. */
export function publicKeyOption(ctx: Context): KeyObject | undefined {
  const value = getSetting(ctx.config, 'webhookPublicKey');
  return value === undefined ? undefined : parsePublicKey(fileOrValue(value));
}

/** --private-key: a file (as keygen writes) or a value; never echoed. */
export function privateKeyOption(value: string | undefined): KeyObject | undefined {
  return value === undefined ? undefined : parsePrivateKey(fileOrValue(value));
}

/** An http(s) URL given to --url or --public-url. */
export function urlOption(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (/^https?:\/\/[^/?#\s]+/i.test(value.trim())) return value.trim();
  throw new UsageError(`invalid ${flag} "${value}"`, { hint: 'give the full URL the provider calls, e.g. https://example.com/webhooks/twilio' });
}

/** The provider a --scheme flag implies when --provider is not given. */
export function providerWithScheme(provider: string | undefined, catalog: SchemeCatalog, schemeFlag: string | undefined): string | undefined {
  if (provider !== undefined || schemeFlag === undefined) return provider;
  return catalog.custom[0]?.provider;
}
