import { UsageError } from './errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration flag: `500ms`, `2s`, `1m`, `1h`, `7d`; a bare number is milliseconds. */
export function parseDuration(value: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!match) throw new UsageError(`invalid ${flag} "${value}"`, { hint: 'write a duration such as 500ms, 2s or 1m' });
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 'ms']!);
}

/** A whole-number flag within bounds. */
export function parseInteger(value: string, flag: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`invalid ${flag} "${value}"`, { hint: 'expected a whole number' });
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`${flag} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** `k=v` (or `k:v` with sep ':'), for --metadata, --property, --where and --header. */
export function parsePair(value: string, flag: string, sep = '='): [string, string] {
  const at = value.indexOf(sep);
  if (at <= 0) throw new UsageError(`invalid ${flag} "${value}"`, { hint: `write it as key${sep}value` });
  return [value.slice(0, at).trim(), value.slice(at + 1).trim()];
}

/** A comma-separated list flag, trimmed and without empties. */
export function parseList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** commander collector for repeatable flags. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
