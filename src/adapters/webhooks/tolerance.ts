/** A span of seconds the way people read it: "45 s", "3 min 20 s", "2 h 14 min", "3 d 2 h". */
export function formatSpan(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return join(Math.floor(s / 60), 'min', s % 60, 's');
  if (s < 86_400) return join(Math.floor(s / 3600), 'h', Math.floor((s % 3600) / 60), 'min');
  return join(Math.floor(s / 86_400), 'd', Math.floor((s % 86_400) / 3600), 'h');
}

function join(big: number, bigUnit: string, small: number, smallUnit: string): string {
  return small ? `${big} ${bigUnit} ${small} ${smallUnit}` : `${big} ${bigUnit}`;
}

/**
 * Null when the signed timestamp is within the tolerance of now, in either direction; otherwise the reason,
 * e.g. "timestamp is 2 h 14 min in the past, beyond the 300 s tolerance". Future timestamps are rejected too
 * (Stripe's library accepts them; Standard Webhooks and Slack do not), because a clock that far ahead is a fault.
 */
export function timestampProblem(timestampSec: number, nowSec: number, toleranceSec: number): string | null {
  const delta = nowSec - timestampSec;
  if (Math.abs(delta) <= toleranceSec) return null;
  const when = delta > 0 ? 'in the past' : 'in the future';
  return `timestamp is ${formatSpan(delta)} ${when}, beyond the ${toleranceSec} s tolerance`;
}

/** Unix seconds written as digits only, or undefined. */
export function parseUnixSeconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,12}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
