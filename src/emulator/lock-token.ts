import { randomBytes } from 'node:crypto';

/**
 * Lock tokens. The SDK shows a delivery's lock token as the GUID string of its 16-byte delivery tag after
 * swapping the first three groups into .NET byte order (`reorderLockToken` in @azure/service-bus), and sends
 * lock tokens back to $management as the plain bytes of that string. So a lock is keyed by those "GUID bytes",
 * and the delivery tag on the wire is the reordered form.
 */

/** Swaps bytes 0-3, 4-5 and 6-7 (its own inverse). */
export function reorderGuidBytes(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  out[0] = bytes[3]!;
  out[1] = bytes[2]!;
  out[2] = bytes[1]!;
  out[3] = bytes[0]!;
  out[4] = bytes[5]!;
  out[5] = bytes[4]!;
  out[6] = bytes[7]!;
  out[7] = bytes[6]!;
  return out;
}

/** A fresh lock: `guid` are the bytes the SDK's lockToken string spells, `key` their hex used as a map key. */
export interface LockToken {
  guid: Buffer;
  key: string;
}

/** Unique per broker: a random prefix and a counter, so making one costs no entropy on the hot path. */
export class LockTokens {
  private readonly prefix = randomBytes(8);
  private counter = 0n;

  next(): LockToken {
    const guid = Buffer.allocUnsafe(16);
    this.prefix.copy(guid, 0);
    guid.writeBigUInt64BE(this.counter++, 8);
    // RFC 4122 version 4 / variant bits, so the string looks like any GUID a tool may validate.
    guid[6] = (guid[6]! & 0x0f) | 0x40;
    guid[8] = (guid[8]! & 0x3f) | 0x80;
    return { guid, key: guid.toString('hex') };
  }
}

/** The key for lock-token bytes received from $management (uuid values). */
export function lockKey(guid: Buffer): string {
  return guid.toString('hex');
}

