import { Command } from 'commander';
import {
  newIdempotencyKey,
  type CreatePaymentInput,
  type PaymentIntentResult,
  type PaymentsOptions,
} from '../../adapters/payments/index.js';
import { createContext, type Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { explainAmount, formatAmount, parseAmount, parseCurrency } from '../../core/money.js';
import { collect, parsePair } from '../../core/parse.js';
import type { Runtime } from '../../core/runtime.js';
import { renderIntent } from './render.js';
import { preparePayments, sessionSettings, withSessionOptions, type SessionFlags } from './shared.js';

/** `payments create` flags, as commander parses them. */
export interface CreateFlags extends SessionFlags {
  amount?: string;
  currency?: string;
  customer?: string;
  paymentMethod?: string;
  confirm?: boolean;
  captureMethod?: string;
  description?: string;
  metadata?: string[];
  idempotencyKey?: string;
  returnUrl?: string;
}

/** The amount and currency from the flags, asked for on a terminal when missing, else a usage error naming them. */
async function amountAndCurrency(ctx: Context, flags: CreateFlags): Promise<{ amount: number; currency: string; meaning: string }> {
  const missing = [flags.amount === undefined && '--amount', flags.currency === undefined && '--currency'].filter(Boolean);
  if (missing.length > 0 && !ctx.prompt.interactive) {
    throw new UsageError(`missing ${missing.join(' and ')}`, {
      hint: 'e.g. --amount 20.00 --currency usd (there is no terminal to ask on)',
    });
  }
  // The currency is asked first because it decides what the amount means; the prompt says so, and a number typed
  // here is caught as the amount it is.
  const currencyText =
    flags.currency ??
    (await ctx.prompt.text('--currency', 'Currency first (usd, eur, jpy…; the amount is asked next)', {
      validate: (v) =>
        /^\s*[\d.,_]+\s*$/.test(v)
          ? 'that is an amount: type the currency first (usd, eur, jpy…); the amount is asked next'
          : validateWith((value) => parseCurrency(value))(v),
    }));
  const currency = parseCurrency(currencyText);
  const code = currency.toUpperCase();
  const example = `20 = ${formatAmount(20, currency)}`;
  const amountText =
    flags.amount ??
    (await ctx.prompt.text('--amount', `Amount in ${code}, e.g. 20.00 (a whole number counts minor units: ${example})`, {
      validate: validateWith((v) => parseAmount(v, currency)),
      explain: (v) => {
        try {
          return `= ${formatAmount(parseAmount(v, currency), currency)}`;
        } catch {
          return '';
        }
      },
    }));
  const amount = parseAmount(amountText, currency);
  return { amount, currency, meaning: explainAmount(amountText, amount, currency) };
}

/** Stripe refused the amount (below its minimum, say): the error repeats what the value was taken to mean. */
function amountRejected(error: unknown, meaning: string): UsageError | undefined {
  if (!(error instanceof UsageError) || (error.cause as { param?: string } | undefined)?.param !== 'amount') return undefined;
  return new UsageError(`${error.message}; --amount ${meaning}`, { cause: error.cause, requestId: error.requestId });
}

function validateWith(parse: (value: string) => unknown): (value: string) => true | string {
  return (value) => {
    try {
      parse(value);
      return true;
    } catch (error) {
      return (error as Error).message;
    }
  };
}

function parseInput(flags: CreateFlags): Omit<CreatePaymentInput, 'amount' | 'currency'> {
  if (flags.captureMethod !== undefined && !['automatic', 'manual'].includes(flags.captureMethod)) {
    throw new UsageError(`invalid --capture-method "${flags.captureMethod}"`, { hint: 'use automatic or manual' });
  }
  const key = flags.idempotencyKey?.trim();
  if (key !== undefined && (key === '' || key.length > 255)) {
    throw new UsageError('--idempotency-key must be 1 to 255 characters');
  }
  if (flags.returnUrl !== undefined && !URL.canParse(flags.returnUrl)) {
    throw new UsageError(`invalid --return-url "${flags.returnUrl}"`, { hint: 'give an absolute URL such as https://example.com/done' });
  }
  const metadata = Object.fromEntries((flags.metadata ?? []).map((m) => parsePair(m, '--metadata')));
  return {
    customer: flags.customer,
    paymentMethod: flags.paymentMethod,
    confirm: flags.confirm === true,
    captureMethod: flags.captureMethod as 'automatic' | 'manual' | undefined,
    description: flags.description,
    metadata,
    returnUrl: flags.returnUrl,
    idempotencyKey: key || newIdempotencyKey(),
  };
}

/**
 * Creates a PaymentIntent. The idempotency key (given or generated) is printed on stderr before the request, so
 * whatever happens next the user can repeat the call without risking a second PaymentIntent.
 */
export async function runCreate(ctx: Context, flags: CreateFlags, options: PaymentsOptions = {}): Promise<PaymentIntentResult> {
  const input = parseInput(flags);
  const session = await preparePayments(ctx, flags, options);
  const { amount, currency, meaning } = await amountAndCurrency(ctx, flags);
  const port = await session.connect();
  ctx.out.info(`amount: ${meaning}`);
  ctx.out.info(`idempotency key: ${input.idempotencyKey}`);
  const result = await port.create({ ...input, amount, currency }).catch((error: unknown) => {
    throw amountRejected(error, meaning) ?? error;
  });
  if (result.replayed) {
    ctx.out.info('Stripe replayed its answer to an earlier request with this idempotency key; no new PaymentIntent was created');
  }
  return result;
}

export function createCommand(rt: Runtime): Command {
  return withSessionOptions(
    new Command('create')
      .description('create a PaymentIntent (test mode unless --live)')
      .option('--amount <amount>', 'a decimal such as 20.00, or a whole number of minor units (20 = 0.20 USD, 2000 = 20.00 USD)')
      .option('--currency <iso>', 'three-letter currency code, e.g. usd, eur, jpy')
      .option('--customer <id>', 'customer id (cus_…)')
      .option('--payment-method <pm>', 'payment method id, e.g. pm_card_visa in test mode')
      .option('--confirm', 'confirm at once (needs --payment-method)')
      .option('--capture-method <method>', 'automatic (default) or manual (authorise now, capture later)')
      .option('--description <text>', 'description shown in the Dashboard')
      .option('--metadata <k=v>', 'metadata pair (repeatable)', collect)
      .option('--idempotency-key <key>', 'key that makes retries safe (default: a generated sy_<uuid>, printed)')
      .option('--return-url <url>', 'where the customer returns after authenticating (3-D Secure)'),
  ).action(async (flags: CreateFlags, command: Command) => {
    const ctx = createContext(rt, command, sessionSettings(flags));
    renderIntent(ctx.out, await runCreate(ctx, flags));
  });
}
