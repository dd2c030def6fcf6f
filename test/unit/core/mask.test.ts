import { describe, expect, it } from 'vitest';
import { maskConnectionString, maskSecret, redact } from '../../../src/core/mask.js';

describe('maskSecret', () => {
  it('keeps the prefix that tells test from live and the last four characters', () => {
    expect(maskSecret('sk_test_51Hx0000000000000000abcd')).toBe('sk_test_…abcd');
    expect(maskSecret('sk_live_51Hx0000000000000000wxyz')).toBe('sk_live_…wxyz');
    expect(maskSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBe('whsec_…LaSw');
  });
  it('shows nothing of a short secret', () => {
    expect(maskSecret('hunter2')).toBe('…');
    expect(maskSecret('whsec_short')).toBe('whsec_…');
  });
});

describe('maskConnectionString', () => {
  it('hides the shared access key and keeps the rest readable', () => {
    const masked = maskConnectionString('Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG=');
    expect(masked).toBe('Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=…EFG=');
  });
});

describe('redact', () => {
  it('replaces every occurrence of each secret', () => {
    const secret = 'sk_test_51Hx0000000000000000abcd';
    expect(redact(`key ${secret} and again ${secret}`, [secret, undefined])).toBe('key sk_test_…abcd and again sk_test_…abcd');
  });
});
