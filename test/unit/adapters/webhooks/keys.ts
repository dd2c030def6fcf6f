import { generateKeyPairSync, type KeyObject } from 'node:crypto';

const ed = generateKeyPairSync('ed25519');
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

/** Key pairs made once per test file: Discord's Ed25519, SendGrid's P-256. */
export const KEYS: Record<'discord' | 'sendgrid', { publicKey: KeyObject; privateKey: KeyObject }> = {
  discord: ed,
  sendgrid: ec,
};

/** What signing and verifying a provider takes in tests: its key pair or a secret, and a URL for the URL signers. */
export function keysFor(provider: string): { secret: string; url?: string; publicKey?: KeyObject; privateKey?: KeyObject } {
  const pair = KEYS[provider as 'discord' | 'sendgrid'];
  return {
    secret: 'whsec_c2VjcmV0',
    ...(pair ?? {}),
    ...(['twilio', 'square', 'hubspot'].includes(provider) ? { url: 'https://example.com/hooks?a=1' } : {}),
  };
}
