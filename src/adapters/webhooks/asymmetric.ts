import { sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { UsageError } from '../../core/errors.js';
import { checkKeyType } from './keys.js';
import type { SignatureScheme, VerifyOutcome } from './scheme.js';
import { parseUnixSeconds, timestampProblem } from './tolerance.js';

interface KeyPairSpec {
  provider: 'discord' | 'sendgrid';
  label: string;
  signature: string;
  timestamp: string;
  /** Hash for crypto.sign (null for Ed25519, which hashes itself). */
  hash: string | null;
  encoding: 'hex' | 'base64';
  keyWords: string;
  rejectStatus?: number;
}

const signed = (timestamp: string, body: Buffer) => Buffer.concat([Buffer.from(timestamp, 'utf8'), body]);

/** A scheme signed with the provider's private key over timestamp + body, verified with its public key. */
function keyPairScheme(s: KeyPairSpec): SignatureScheme {
  const algo = (key: KeyObject) => (s.hash ? { key, dsaEncoding: 'der' as const } : key);
  return {
    provider: s.provider,
    label: s.label,
    key: 'public-key',
    signatureHeaders: [s.signature, s.timestamp],
    rejectStatus: s.rejectStatus,

    matches: (headers) => headers[s.signature] !== undefined,

    sign({ body, timestampSec, privateKey }) {
      if (!privateKey) {
        throw new UsageError(`${s.provider} signs with a private key: pass --private-key`, {
          hint: `switchyard webhooks keygen --provider ${s.provider} makes a test key pair`,
        });
      }
      checkKeyType(privateKey, s.provider, 'private key');
      const t = String(Math.floor(timestampSec));
      const sig = cryptoSign(s.hash, signed(t, body), algo(privateKey)).toString(s.encoding);
      return { headers: { [s.timestamp]: t, [s.signature]: sig } };
    },

    verify({ body, headers, publicKey, nowSec, toleranceSec, ignoreTime }): VerifyOutcome {
      const value = headers[s.signature];
      if (value === undefined) return { valid: false, code: 'missing_header', reason: `no ${s.signature} header` };
      const raw = headers[s.timestamp];
      if (raw === undefined) return { valid: false, code: 'missing_header', reason: `no ${s.timestamp} header` };
      const timestampSec = parseUnixSeconds(raw);
      if (timestampSec === undefined) return { valid: false, code: 'malformed_header', reason: `${s.timestamp} is not a unix timestamp` };
      if (!publicKey) {
        return { valid: false, code: 'missing_key', reason: `${s.label} signs with its private key: verify with ${s.keyWords} (--public-key)`, timestampSec };
      }
      try {
        checkKeyType(publicKey, s.provider, 'public key');
      } catch (error) {
        return { valid: false, code: 'missing_key', reason: (error as Error).message, timestampSec };
      }
      const sig = Buffer.from(value.trim(), s.encoding);
      let ok = false;
      try {
        ok = sig.length > 0 && cryptoVerify(s.hash, signed(raw, body), algo(publicKey), sig);
      } catch {
        ok = false;
      }
      if (!ok) {
        return {
          valid: false,
          code: 'signature_mismatch',
          reason: `the signature does not verify: either the public key is not ${s.keyWords}, or the body or timestamp were changed after signing — these cannot be told apart`,
          timestampSec,
        };
      }
      const late = ignoreTime ? null : timestampProblem(timestampSec, nowSec, toleranceSec);
      if (late) return { valid: false, code: 'timestamp_outside_tolerance', reason: late, timestampSec };
      return { valid: true, reason: null, timestampSec };
    },
  };
}

/** Discord interactions: hex Ed25519 over timestamp + body; a bad signature must be answered 401. */
export const discordScheme = keyPairScheme({
  provider: 'discord', label: 'Discord', signature: 'x-signature-ed25519', timestamp: 'x-signature-timestamp', hash: null,
  encoding: 'hex', keyWords: "the application's public key (64 hex digits in the developer portal)", rejectStatus: 401,
});

/** SendGrid's Event Webhook: base64 DER ECDSA P-256/SHA-256 over timestamp + body. */
export const sendgridScheme = keyPairScheme({
  provider: 'sendgrid', label: 'SendGrid', signature: 'x-twilio-email-event-webhook-signature',
  timestamp: 'x-twilio-email-event-webhook-timestamp', hash: 'sha256', encoding: 'base64',
  keyWords: 'the verification key shown under Mail Settings → Event Webhook',
});
