import type { HmacSpec } from './hmac-spec.js';

const base = { algorithm: 'sha256', encoding: 'hex', prefix: '', content: '{body}', timestampUnit: 's', secretEncoding: 'utf8' } as const;

/**
 * The built-in schemes that are plain HMACs, written in the same format as `--scheme`: what is signed, how it is
 * encoded and where it travels. Schemes with structured headers, sorted parameters, plain hashes or keys pairs
 * (stripe, standard, github, paddle, twilio, hubspot, mailgun, discord, sendgrid) are code.
 */
export const BUILTIN_SPECS: HmacSpec[] = [
  { ...base, name: 'shopify', label: 'Shopify', header: 'x-shopify-hmac-sha256', encoding: 'base64', senderHeaders: ['x-shopify-topic', 'x-shopify-webhook-id'] },
  {
    ...base, name: 'slack', label: 'Slack', header: 'x-slack-signature', prefix: 'v0=', content: 'v0:{timestamp}:{body}',
    timestampHeader: 'x-slack-request-timestamp', senderHeaders: ['x-slack-request-timestamp'],
  },
  { ...base, name: 'square', label: 'Square', header: 'x-square-hmacsha256-signature', encoding: 'base64', content: '{url}{body}' },
  {
    ...base, name: 'zoom', label: 'Zoom', header: 'x-zm-signature', prefix: 'v0=', content: 'v0:{timestamp}:{body}',
    timestampHeader: 'x-zm-request-timestamp', senderHeaders: ['x-zm-request-timestamp', 'x-zm-trackingid'],
  },
  {
    ...base, name: 'linear', label: 'Linear', header: 'linear-signature', timestampField: 'webhookTimestamp', timestampUnit: 'ms',
    tolerance: 60, senderHeaders: ['linear-delivery', 'linear-event'],
  },
  { ...base, name: 'typeform', label: 'Typeform', header: 'typeform-signature', encoding: 'base64', prefix: 'sha256=' },
  { ...base, name: 'intercom', label: 'Intercom', header: 'x-hub-signature', algorithm: 'sha1', prefix: 'sha1=' },
];
