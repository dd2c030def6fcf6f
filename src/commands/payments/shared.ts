import type { Command } from 'commander';
import {
  createPaymentsPort,
  resolveStripeApiBase,
  resolveStripeKey,
  type PaymentsOptions,
  type PaymentsPort,
} from '../../adapters/payments/index.js';
import type { Context } from '../../core/context.js';
import { ConfigError, UsageError } from '../../core/errors.js';
import { maskSecret } from '../../core/mask.js';
import { parseDuration } from '../../core/parse.js';
import type { SettingName } from '../../core/config.js';
import { stripeKeySettings, withStripeKeyOptions, type StripeKeyFlags } from '../stripe-options.js';

/** The flags every `payments` verb takes: where to connect, with which key, and the live-mode guard. */
export interface SessionFlags extends StripeKeyFlags {
  live?: boolean;
  yes?: boolean;
  timeout?: string;
}

/** Adds the session flags to a verb. */
export function withSessionOptions(command: Command): Command {
  return withStripeKeyOptions(command)
    .option('--live', 'allow a live key (sk_live_/rk_live_): real money moves; asks for confirmation')
    .option('-y, --yes', 'confirm live mode without asking (for scripts)')
    .option('--timeout <duration>', 'per-attempt timeout for each API call, e.g. 10s', '30s');
}

/** The settings these flags override, for createContext. */
export const sessionSettings: (flags: SessionFlags) => Partial<Record<SettingName, string | undefined>> = stripeKeySettings;

/**
 * Retry backoff for the CLI: SWITCHYARD_RETRY_BASE_MS overrides the 500 ms first step (tests and CI use a few ms;
 * a server's Retry-After is always honoured in full whatever this says).
 */
function retryBaseFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.SWITCHYARD_RETRY_BASE_MS;
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) {
    throw new ConfigError(`invalid SWITCHYARD_RETRY_BASE_MS "${raw}" (from environment SWITCHYARD_RETRY_BASE_MS)`, {
      hint: 'give whole milliseconds, e.g. 500',
    });
  }
  return Number(raw);
}

/** A checked session: key and mode settled (and live mode confirmed); `connect()` loads the SDK. */
export interface PaymentsSession {
  connect(): Promise<PaymentsPort>;
}

/**
 * Checks the key before anything leaves the machine, shows the mode on stderr and asks for confirmation of live
 * mode. A live key without --live is a usage error, exit 2. Nothing is loaded yet: the SDK costs about 100 ms,
 * so a command first finishes checking its own input and only then calls `connect()`.
 */
export async function preparePayments(ctx: Context, flags: SessionFlags, options: PaymentsOptions = {}): Promise<PaymentsSession> {
  const live = flags.live === true;
  const { apiKey, mode } = resolveStripeKey(ctx.config, live);
  // Checked now rather than at connect(), so a bad base is the only line printed.
  resolveStripeApiBase(ctx.config);
  const timeoutMs = parseDuration(flags.timeout ?? '30s', '--timeout');
  if (timeoutMs <= 0) throw new UsageError('--timeout must be greater than zero');
  const retryBaseMs = retryBaseFromEnv(ctx.rt.env);
  if (mode === 'live') {
    ctx.out.warn(`LIVE MODE: using ${maskSecret(apiKey)}; real money moves`);
    await ctx.prompt.confirm(`Use the LIVE Stripe key ${maskSecret(apiKey)}? Real money will move.`, flags.yes, 'using a live Stripe key', 'nothing was sent to Stripe');
  } else {
    ctx.out.info(`test mode (${maskSecret(apiKey)})${live ? '; --live has no effect with a test key' : ''}`);
  }
  return {
    connect: () =>
      createPaymentsPort(ctx.config, {
        allowLive: live,
        timeoutMs,
        retryBaseMs,
        signal: ctx.signal,
        onRetry: ({ attempt, delayMs, error, action }) => {
          ctx.out.info(`${action}: ${describeFailure(error)}; retrying in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt + 1})`);
        },
        ...options,
      }),
  };
}

/** preparePayments, then connect: for commands with nothing else to check. */
export async function openPayments(ctx: Context, flags: SessionFlags, options: PaymentsOptions = {}): Promise<PaymentsPort> {
  return (await preparePayments(ctx, flags, options)).connect();
}

function describeFailure(error: unknown): string {
  const e = error as { statusCode?: number; type?: string };
  if (e.statusCode) return `Stripe answered ${e.statusCode}`;
  if (e.type === 'StripeConnectionError') return 'the connection to Stripe failed';
  return 'the call failed';
}

/** A PaymentIntent id as the API knows it; a client secret given by mistake is caught before it is sent. */
export function parseIntentId(value: string): string {
  const id = value.trim();
  if (id.includes('_secret_')) {
    throw new UsageError('that is a client secret, not a PaymentIntent id', { hint: 'pass the part before _secret_ (pi_…)' });
  }
  if (!/^pi_[A-Za-z0-9]+$/.test(id)) {
    throw new UsageError(`invalid PaymentIntent id "${id}"`, { hint: 'PaymentIntent ids start with pi_' });
  }
  return id;
}
