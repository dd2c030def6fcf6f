import { mkdir, open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { KEY_TYPES, generateKeys, type KeyProvider } from '../../adapters/webhooks/keys.js';
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';

export interface KeygenResult {
  provider: KeyProvider;
  publicKey: string;
  privateKeyFile: string;
  publicKeyFile: string;
}

/** Creates the file only if it does not exist, readable by its owner alone. */
async function writeNew(path: string, text: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`${path} already exists: keygen never overwrites a key`, { hint: 'remove it, or pass another --out' });
    throw new UsageError(`cannot write ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Generates a key pair for discord (Ed25519) or sendgrid (ECDSA P-256), writes both files (0600, never over an
 * existing one) and prints the public key and the paths; the private key goes only to its file.
 */
export async function runKeygen(ctx: Context, input: { provider: string; out: string }): Promise<KeygenResult> {
  const provider = input.provider.trim().toLowerCase();
  if (!(provider in KEY_TYPES)) {
    throw new UsageError(`keygen makes keys for discord and sendgrid, not "${input.provider}"`, { hint: 'the other schemes use a shared secret' });
  }
  const p = provider as KeyProvider;
  const dir = resolve(ctx.rt.cwd, input.out);
  await mkdir(dir, { recursive: true });
  const keys = generateKeys(p);
  const privateKeyFile = join(dir, `${p}.key`);
  const publicKeyFile = join(dir, `${p}.pub`);
  await writeNew(privateKeyFile, keys.privateKeyPem);
  await writeNew(publicKeyFile, keys.publicKey + '\n');
  const result = { provider: p, publicKey: keys.publicKey, privateKeyFile, publicKeyFile };
  if (ctx.out.json) ctx.out.jsonLine(result);
  else {
    ctx.out.line(keys.publicKey);
    ctx.out.info(`wrote ${privateKeyFile} (private key, 0600: sign with --private-key) and ${publicKeyFile} (verify with --public-key)`);
  }
  return result;
}
