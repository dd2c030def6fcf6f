import { describe, expect, it } from 'vitest';
import { isoTime } from '../../../src/core/iso-time.js';

describe('isoTime', () => {
  it('is exactly Date#toISOString for times in order, out of order, fractional and at the edges of a second', () => {
    const base = Date.UTC(2026, 10, 29, 23, 59, 59, 998);
    const times = [base, base + 1, base + 2, base + 1000, base - 5, 0, 1.9, 999.5, 1000, Date.UTC(1999, 11, 31, 23, 59, 59, 9)];
    for (let i = 0; i < 500; i++) times.push(Math.random() * Date.UTC(2200, 0));
    for (const t of times) expect(isoTime(t), String(t)).toBe(new Date(t).toISOString());
  });

  it('hands years past 9999 and before 1970 to Date (another format, and its own rounding)', () => {
    for (const t of [Date.UTC(10000, 0, 1), Date.UTC(10000, 0, 1) - 1, -1, -1000.5, Date.UTC(1900, 0, 1)]) {
      expect(isoTime(t)).toBe(new Date(t).toISOString());
    }
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
  });
});
