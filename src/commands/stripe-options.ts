import type { Command } from 'commander';
import type { SettingName } from '../core/config.js';

/** The Stripe key and API base flags of every command that may call Stripe (payments, smoke, doctor). */
export interface StripeKeyFlags {
  apiKey?: string;
  apiBase?: string;
}

/** Adds --api-key and --api-base. */
export function withStripeKeyOptions(command: Command): Command {
  return command
    .option('--api-key <key>', 'Stripe secret or restricted key (default: STRIPE_API_KEY or STRIPE_SECRET_KEY)')
    .option('--api-base <url>', 'Stripe API base URL (default: STRIPE_API_BASE or https://api.stripe.com)');
}

/** The settings those flags set, for createContext. */
export function stripeKeySettings(flags: StripeKeyFlags): Partial<Record<SettingName, string | undefined>> {
  return { stripeApiKey: flags.apiKey, stripeApiBase: flags.apiBase };
}
