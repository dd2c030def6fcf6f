import { readFileSync } from 'node:fs';
import { UsageError } from '../../core/errors.js';
import { discordScheme, sendgridScheme } from './asymmetric.js';
import { BUILTIN_SPECS } from './builtin-specs.js';
import { githubScheme } from './github.js';
import { hmacScheme } from './hmac-scheme.js';
import { parseHmacSpec } from './hmac-spec.js';
import { hubspotScheme } from './hubspot.js';
import { mailgunScheme } from './mailgun.js';
import { paddleScheme } from './paddle.js';
import { PROVIDERS, type Headers, type SignatureScheme } from './scheme.js';
import { standardScheme } from './standard.js';
import { stripeScheme } from './stripe.js';
import { twilioScheme } from './twilio.js';

const CODED: SignatureScheme[] = [stripeScheme, githubScheme, standardScheme, twilioScheme, sendgridScheme, discordScheme, paddleScheme, hubspotScheme, mailgunScheme];
const BUILTIN_SCHEMES = new Map<string, SignatureScheme>([...CODED, ...BUILTIN_SPECS.map(hmacScheme)].map((s) => [s.provider, s]));

/**
 * The schemes a command knows: the built-in ones and any custom ones (`--scheme`, the config file's `schemes`).
 * Custom schemes are tried first by --provider auto: their headers are the more specific.
 */
export class SchemeCatalog {
  private readonly byName = new Map<string, SignatureScheme>();
  /** Detection order: custom schemes, then the built-ins in PROVIDERS order (GitHub before Intercom). */
  private readonly ordered: SignatureScheme[];
  readonly custom: SignatureScheme[];

  constructor(custom: SignatureScheme[] = []) {
    for (const name of PROVIDERS) this.byName.set(name, BUILTIN_SCHEMES.get(name)!);
    for (const scheme of custom) {
      if ((PROVIDERS as readonly string[]).includes(scheme.provider)) {
        throw new UsageError(`a custom scheme cannot be named "${scheme.provider}": that is a built-in provider`, { hint: 'give it another "name"' });
      }
      this.byName.set(scheme.provider, scheme);
    }
    this.custom = custom;
    this.ordered = [...custom, ...PROVIDERS.map((p) => this.byName.get(p)!)];
  }

  get(name: string): SignatureScheme | undefined {
    return this.byName.get(name.trim().toLowerCase());
  }

  names(): string[] {
    return [...PROVIDERS, ...this.custom.map((s) => s.provider)];
  }

  /** A scheme by name, or a usage error listing the names this command knows. */
  require(name: string, source = 'provider'): SignatureScheme {
    const scheme = this.get(name);
    if (scheme) return scheme;
    throw new UsageError(`unknown ${source} "${name}"`, {
      hint: `use one of: ${this.names().join(', ')}, or describe it with --scheme or under "schemes" in the config file`,
    });
  }

  /** The scheme whose signature the request carries, else the one its sender headers (or Stripe's user agent) point to. */
  detect(headers: Headers, body?: Buffer): SignatureScheme | undefined {
    const signed = this.ordered.find((s) => s.matches(headers, body));
    if (signed) return signed;
    const sender = this.ordered.find((s) => s.senderHeaders?.some((n) => headers[n] !== undefined));
    if (sender) return sender;
    return /^Stripe\//.test(headers['user-agent'] ?? '') ? this.byName.get('stripe') : undefined;
  }

  /** Every scheme's signature headers: what a re-signed fixture must lose. */
  allSignatureHeaders(): Set<string> {
    return new Set(this.ordered.flatMap((s) => s.signatureHeaders));
  }

  ordering(): readonly SignatureScheme[] {
    return this.ordered;
  }
}

/** The built-in schemes only. */
export const BUILTIN_CATALOG = new SchemeCatalog();

/** A `--scheme` value: inline JSON, or the path of a JSON file. */
export function readSchemeFlag(value: string): SignatureScheme {
  const text = value.trim();
  let json: unknown;
  let where = '--scheme';
  if (text.startsWith('{')) {
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`--scheme is not valid JSON: ${(error as Error).message}`);
    }
  } else {
    where = `--scheme ${text}`;
    try {
      json = JSON.parse(readFileSync(text, 'utf8'));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : (error as Error).message;
      throw new UsageError(`${where}: cannot read the scheme: ${why}`, { hint: 'give a JSON file or inline JSON such as {"header":"x-signature"}' });
    }
  }
  return hmacScheme(parseHmacSpec(json, where));
}

/** The schemes of the config file's `schemes: {name: {...}}` plus a --scheme flag's. */
export function catalogFor(configured: Record<string, unknown> | undefined, flag: string | undefined, source = 'the config file'): SchemeCatalog {
  const custom: SignatureScheme[] = [];
  for (const [name, value] of Object.entries(configured ?? {})) {
    const where = `scheme "${name}" in ${source}`;
    // The key is the name `--provider` finds it by; a "name" field inside cannot say otherwise.
    const spec = parseHmacSpec(value && typeof value === 'object' ? { ...value, name } : value, where);
    custom.push(hmacScheme(spec));
  }
  if (flag !== undefined) {
    const scheme = readSchemeFlag(flag);
    const at = custom.findIndex((s) => s.provider === scheme.provider);
    if (at >= 0) custom.splice(at, 1);
    custom.unshift(scheme);
  }
  return custom.length ? new SchemeCatalog(custom) : BUILTIN_CATALOG;
}
