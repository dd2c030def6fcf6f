import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { UsageError } from '../../core/errors.js';

/** The asymmetric schemes and the key type each uses. */
export const KEY_TYPES = { discord: 'ed25519', sendgrid: 'ec' } as const;
export type KeyProvider = keyof typeof KEY_TYPES;

const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');

function describe(key: KeyObject): string {
  if (key.asymmetricKeyType === 'ed25519') return 'an Ed25519 key';
  if (key.asymmetricKeyType === 'ec') return `an EC ${key.asymmetricKeyDetails?.namedCurve ?? ''} key`.replace('  ', ' ');
  return `a ${key.asymmetricKeyType ?? 'secret'} key`;
}

/** Refuses a key of the wrong type for the provider (a Discord key given for SendGrid, say). */
export function checkKeyType(key: KeyObject, provider: string, what: string): KeyObject {
  const want = KEY_TYPES[provider as KeyProvider];
  if (!want) return key;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const ok = key.asymmetricKeyType === want && (want !== 'ec' || curve === 'prime256v1');
  if (!ok) {
    const needs = want === 'ed25519' ? 'an Ed25519 key' : 'an ECDSA P-256 key';
    throw new UsageError(`the ${what} is ${describe(key)}, but ${provider} signs with ${needs}`);
  }
  return key;
}

/**
 * A public key as providers show them: Discord's 64 hex digits, SendGrid's base64 SPKI, or a PEM of either. The
 * value is never echoed in errors (a private key pasted by mistake must not end up in a log).
 */
export function parsePublicKey(text: string): KeyObject {
  const value = text.trim();
  try {
    if (/^[0-9a-fA-F]{64}$/.test(value)) {
      return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(value, 'hex').toString('base64url') }, format: 'jwk' });
    }
    if (value.includes('-----BEGIN')) return createPublicKey(value);
    return createPublicKey({ key: Buffer.from(value, 'base64'), format: 'der', type: 'spki' });
  } catch {
    throw new UsageError('--public-key is not a public key', {
      hint: "give Discord's 64 hex digits, SendGrid's base64 key, a PEM, or a file holding one",
    });
  }
}

/** A private key: PKCS#8 PEM (as keygen writes), or a Discord-style 32-byte Ed25519 seed in hex. */
export function parsePrivateKey(text: string): KeyObject {
  const value = text.trim();
  try {
    if (/^[0-9a-fA-F]{64}$/.test(value)) {
      return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8, Buffer.from(value, 'hex')]), format: 'der', type: 'pkcs8' });
    }
    if (value.includes('-----BEGIN')) {
      const key = createPrivateKey(value);
      return key;
    }
    return createPrivateKey({ key: Buffer.from(value, 'base64'), format: 'der', type: 'pkcs8' });
  } catch {
    throw new UsageError('--private-key is not a private key', { hint: 'give a PKCS#8 PEM (as `switchyard webhooks keygen` writes) or a file holding one' });
  }
}

/** The public key the way the provider's dashboard shows it: hex for Discord, base64 SPKI for SendGrid. */
export function publicKeyText(key: KeyObject, provider: KeyProvider): string {
  if (provider === 'discord') return Buffer.from(key.export({ format: 'jwk' }).x ?? '', 'base64url').toString('hex');
  return key.export({ format: 'der', type: 'spki' }).toString('base64');
}

/** A fresh key pair for the provider: the public key as the provider shows it, the private key as PKCS#8 PEM. */
export function generateKeys(provider: KeyProvider): { publicKey: string; privateKeyPem: string } {
  const pair = provider === 'discord' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    publicKey: publicKeyText(pair.publicKey, provider),
    privateKeyPem: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}
