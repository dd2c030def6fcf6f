import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { parseDuration, parseInteger, parseList, parsePair } from '../../../src/core/parse.js';

describe('parseDuration', () => {
  it('reads ms, s, m, h and bare milliseconds', () => {
    expect(parseDuration('500ms', '--timeout')).toBe(500);
    expect(parseDuration('2s', '--timeout')).toBe(2000);
    expect(parseDuration('1.5s', '--timeout')).toBe(1500);
    expect(parseDuration('1m', '--timeout')).toBe(60_000);
    expect(parseDuration('1h', '--timeout')).toBe(3_600_000);
    expect(parseDuration('250', '--timeout')).toBe(250);
  });
  it('names the flag of a bad value', () => {
    expect(() => parseDuration('soon', '--idle-timeout')).toThrow(UsageError);
    expect(() => parseDuration('soon', '--idle-timeout')).toThrow('invalid --idle-timeout "soon"');
  });
});

describe('parseInteger', () => {
  it('accepts whole numbers within bounds and names the flag otherwise', () => {
    expect(parseInteger('20', '--count', 1)).toBe(20);
    expect(() => parseInteger('0', '--count', 1)).toThrow('--count must be between 1');
    expect(() => parseInteger('2.5', '--count')).toThrow('invalid --count "2.5"');
    expect(() => parseInteger('-1', '--count')).toThrow(UsageError);
  });
});

describe('parsePair and parseList', () => {
  it('splits at the first separator only', () => {
    expect(parsePair('url=http://x/?a=b', '--metadata')).toEqual(['url', 'http://x/?a=b']);
    expect(parsePair('X-Env: staging', '--header', ':')).toEqual(['X-Env', 'staging']);
    expect(() => parsePair('=v', '--metadata')).toThrow('invalid --metadata "=v"');
  });
  it('splits comma lists and drops empties', () => {
    expect(parseList('a, b,,c ')).toEqual(['a', 'b', 'c']);
  });
});
