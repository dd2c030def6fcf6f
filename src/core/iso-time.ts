/**
 * `new Date(ms).toISOString()`, for times that arrive in order (one per request the listener answers): the date and
 * time up to the second is formatted once per second and only the milliseconds are appended, which costs a tenth of
 * a full Date format. Times outside years 0000-9999 (another format) and non-finite ones go to Date as they are.
 */
export function isoTime(ms: number): string {
  if (!(ms >= 0 && ms < MAX_FOUR_DIGIT_YEAR)) return new Date(ms).toISOString();
  const whole = Math.floor(ms);
  // Requests in the same millisecond share one string (several arrive in each under load).
  if (whole === cachedMs) return cachedIso;
  const second = whole - (whole % 1000);
  if (second !== cachedSecond) {
    cachedPrefix = new Date(second).toISOString().slice(0, 20);
    cachedSecond = second;
  }
  const milli = whole - second;
  cachedMs = whole;
  cachedIso = cachedPrefix + (milli < 10 ? '00' : milli < 100 ? '0' : '') + milli + 'Z';
  return cachedIso;
}

/** 10000-01-01T00:00:00.000Z, from which toISOString writes a six-digit, signed year. */
const MAX_FOUR_DIGIT_YEAR = 253_402_300_800_000;
let cachedSecond = -1;
let cachedPrefix = '';
let cachedMs = -1;
let cachedIso = '';
