import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { currencyExponent, formatAmount, parseAmount, parseCurrency } from '../../../src/core/money.js';

describe('parseAmount', () => {
  it('takes a whole number as minor units already', () => {
    expect(parseAmount('2000', 'usd')).toBe(2000);
    expect(parseAmount('500', 'jpy')).toBe(500);
    expect(parseAmount('1_000', 'usd')).toBe(1000);
  });

  it('converts a decimal with the currency exponent', () => {
    expect(parseAmount('20.00', 'usd')).toBe(2000);
    expect(parseAmount('20.5', 'EUR')).toBe(2050);
    expect(parseAmount('0.99', 'gbp')).toBe(99);
    expect(parseAmount('1.5', 'kwd')).toBe(1500);
    expect(parseAmount('12.340', 'bhd')).toBe(12340);
  });

  it('does not lose precision the way floating point would', () => {
    expect(parseAmount('0.29', 'usd')).toBe(29);
    expect(parseAmount('4.35', 'usd')).toBe(435); // 4.35 * 100 is 434.99999999999994 in floating point
    expect(parseAmount('1.01', 'jod')).toBe(1010);
  });

  it('refuses more decimals than the currency has, never rounding', () => {
    expect(() => parseAmount('20.001', 'usd')).toThrow(/more decimals than USD allows \(2\)/);
    expect(() => parseAmount('500.0', 'jpy')).toThrow(/JPY allows \(0\)/);
    expect(() => parseAmount('1.0', 'krw')).toThrow(UsageError);
    expect(() => parseAmount('1.2345', 'kwd')).toThrow(/KWD allows \(3\)/);
  });

  it('enforces Stripe rules for three-decimal currencies and ISK', () => {
    expect(() => parseAmount('1.234', 'kwd')).toThrow(/must end in 0/);
    expect(() => parseAmount('1234', 'omr')).toThrow(/must end in 0/);
    expect(parseAmount('40.00', 'isk')).toBe(4000);
    expect(() => parseAmount('40.10', 'isk')).toThrow(/whole units/);
  });

  it('rejects zero, negatives and anything that is not a number', () => {
    for (const bad of ['0', '0.00', '-5', 'abc', '', '1e3', '20.', '.5', '20,00', '$20']) {
      expect(() => parseAmount(bad, 'usd'), bad).toThrow(UsageError);
    }
  });

  it('names the flag it was given', () => {
    expect(() => parseAmount('x', 'usd', '--amount')).toThrow('invalid --amount "x"');
  });
});

describe('currencyExponent', () => {
  it('knows zero-, two- and three-decimal currencies', () => {
    for (const c of ['jpy', 'KRW', 'vnd', 'clp', 'xof', 'ugx']) expect(currencyExponent(c), c).toBe(0);
    for (const c of ['usd', 'eur', 'isk', 'huf']) expect(currencyExponent(c), c).toBe(2);
    for (const c of ['kwd', 'bhd', 'jod', 'omr', 'tnd']) expect(currencyExponent(c), c).toBe(3);
  });
});

describe('parseCurrency', () => {
  it('lower-cases a three-letter code and rejects others', () => {
    expect(parseCurrency(' USD ')).toBe('usd');
    expect(() => parseCurrency('usdollar')).toThrow('invalid --currency "usdollar"');
    expect(() => parseCurrency('us')).toThrow(UsageError);
  });
});

describe('formatAmount', () => {
  it('shows minor units in the currency with its decimals', () => {
    expect(formatAmount(2000, 'usd')).toBe('20.00 USD');
    expect(formatAmount(5, 'eur')).toBe('0.05 EUR');
    expect(formatAmount(500, 'jpy')).toBe('500 JPY');
    expect(formatAmount(1500, 'kwd')).toBe('1.500 KWD');
    expect(formatAmount(-250, 'usd')).toBe('-2.50 USD');
  });

  it('round-trips with parseAmount', () => {
    for (const [text, currency] of [['20.00', 'usd'], ['500', 'jpy'], ['1.250', 'tnd']] as const) {
      expect(formatAmount(parseAmount(text, currency), currency)).toBe(`${text} ${currency.toUpperCase()}`);
    }
  });
});
