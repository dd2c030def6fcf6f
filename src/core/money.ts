import { UsageError } from './errors.js';

/** Stripe's zero-decimal currencies: the API amount is the amount itself (¥500 is 500). */
const ZERO_DECIMAL = new Set([
  'BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF',
]);

/** Three-decimal currencies: Stripe takes thousandths, but only with a last digit of 0 (rounded to the ten). */
const THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

/** Two-decimal in the API, yet only whole units may be charged (ISK: multiples of 100). */
const WHOLE_UNITS_ONLY = new Set(['ISK']);

/** Digits after the decimal point in the API's minor unit for `currency` (0, 2 or 3). */
export function currencyExponent(currency: string): 0 | 2 | 3 {
  const code = currency.toUpperCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  return 2;
}

/** A three-letter ISO 4217 code, returned lower case as the Stripe API wants it. */
export function parseCurrency(value: string, flag = '--currency'): string {
  const code = value.trim();
  if (!/^[A-Za-z]{3}$/.test(code)) {
    throw new UsageError(`invalid ${flag} "${value}"`, { hint: 'write a three-letter ISO currency code such as usd, eur or jpy' });
  }
  return code.toLowerCase();
}

/**
 * An amount flag as the API's minor units. A whole number is taken as minor units already (`2000` usd = 20.00 USD,
 * `500` jpy = 500 JPY); a decimal is converted with the currency's exponent (`20.00` usd = 2000, `1.5` kwd = 1500).
 * More decimals than the currency has (`20.001` usd, `500.0` jpy) is an error, never a silent rounding.
 */
export function parseAmount(value: string, currency: string, flag = '--amount'): number {
  const text = value.trim().replace(/_/g, '');
  const code = currency.toUpperCase();
  const exponent = currencyExponent(code);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) {
    throw new UsageError(`invalid ${flag} "${value}"`, {
      hint: `write minor units (2000) or a decimal amount (${exampleDecimal(exponent)})`,
    });
  }
  const whole = match[1]!;
  const fraction = match[2];
  let minor: bigint;
  if (fraction === undefined) {
    minor = BigInt(whole);
  } else {
    if (fraction.length > exponent) {
      throw new UsageError(`${flag} ${value} has more decimals than ${code} allows (${exponent})`, {
        hint: exponent === 0 ? `${code} has no minor unit; write a whole number such as 500` : `write at most ${exponent} decimals, e.g. ${exampleDecimal(exponent)}`,
      });
    }
    minor = BigInt(whole) * 10n ** BigInt(exponent) + BigInt(fraction.padEnd(exponent, '0') || '0');
  }
  if (minor <= 0n) throw new UsageError(`${flag} must be greater than zero`);
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new UsageError(`${flag} ${value} is too large`);
  const amount = Number(minor);
  if (THREE_DECIMAL.has(code) && amount % 10 !== 0) {
    throw new UsageError(`${code} amounts must end in 0 in minor units; got ${amount}`, {
      hint: 'Stripe takes three-decimal currencies rounded to the nearest ten (5.120, not 5.124)',
    });
  }
  if (WHOLE_UNITS_ONLY.has(code) && amount % 100 !== 0) {
    throw new UsageError(`${code} amounts must be whole units (a multiple of 100 minor units); got ${amount}`);
  }
  return amount;
}

/** Minor units as people read them: `2000, 'usd'` → `20.00 USD`, `500, 'jpy'` → `500 JPY`. */
export function formatAmount(minor: number, currency: string): string {
  const code = currency.toUpperCase();
  const exponent = currencyExponent(code);
  const negative = minor < 0;
  const digits = Math.abs(Math.trunc(minor)).toString();
  if (exponent === 0) return `${negative ? '-' : ''}${digits} ${code}`;
  const padded = digits.padStart(exponent + 1, '0');
  const text = `${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
  return `${negative ? '-' : ''}${text} ${code}`;
}

function exampleDecimal(exponent: number): string {
  return exponent === 0 ? '500' : exponent === 3 ? '20.500' : '20.00';
}

/**
 * What an amount as typed means, so nobody can misread the rule: `20` usd → "20 = 0.20 USD (a whole number counts
 * cents: for 20 USD write 20.00)", `20.00` usd → "20.00 = 20.00 USD", `500` jpy → "500 = 500 JPY".
 */
export function explainAmount(text: string, minor: number, currency: string): string {
  const code = currency.toUpperCase();
  const exponent = currencyExponent(code);
  const typed = text.trim();
  const meaning = `${typed} = ${formatAmount(minor, code)}`;
  if (exponent === 0 || typed.includes('.')) return meaning;
  return `${meaning} (a whole number counts minor units: for ${typed} ${code} write ${typed}.${'0'.repeat(exponent)})`;
}
