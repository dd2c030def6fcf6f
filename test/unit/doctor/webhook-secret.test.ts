import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/core/config.js';
import { contextFor } from '../../../src/core/context.js';
import { webhookSecretCheck } from '../../../src/doctor/checks.js';
import { fakeRuntime } from '../../support/fake-runtime.js';

const check = (secret: string, provider: string) =>
  webhookSecretCheck(contextFor(fakeRuntime(), loadConfig({}, { webhookSecret: secret, webhookProvider: provider })));

describe('webhookSecretCheck', () => {
  it('flags a whsec_ secret for any built-in provider but Stripe and Standard Webhooks, and leaves custom schemes alone', () => {
    expect(check('whsec_abc', 'twilio')).toMatchObject({ status: 'warn', detail: expect.stringContaining('starts with whsec_, which twilio secrets do not') });
    expect(check('whsec_abc', 'mailgun').status).toBe('warn');
    expect(check('whsec_abc', 'stripe').status).toBe('ok');
    expect(check('whsec_abc', 'acme').status).toBe('ok');
    expect(check('plain-token', 'zoom')).toMatchObject({ status: 'ok', detail: expect.stringContaining('fits the providers other than Stripe and Standard Webhooks') });
  });
});
