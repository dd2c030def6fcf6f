import { Command } from 'commander';
import type { Runtime } from '../../core/runtime.js';

const HELP = `
Writes <provider>.key (the private key, PKCS#8 PEM) and <provider>.pub (the public key as the provider shows it:
64 hex digits for Discord, base64 for SendGrid), both readable by you alone (0600). Existing files are never
overwritten. The private key is never printed: sign with --private-key <dir>/<provider>.key.
Example:
  switchyard webhooks keygen --provider discord --out ./keys
  switchyard webhooks sign ping.json --provider discord --private-key ./keys/discord.key --json > ping.signed.json
  switchyard webhooks verify ping.signed.json --public-key ./keys/discord.pub`;

/** `switchyard webhooks keygen --provider discord|sendgrid [--out dir]`: a local test key pair. */
export function keygenCommand(rt: Runtime): Command {
  return new Command('keygen')
    .description('write a test key pair for the asymmetric schemes (discord, sendgrid); prints the public key')
    .requiredOption('--provider <provider>', 'discord or sendgrid')
    .option('--out <dir>', 'directory to write the two files to', '.')
    .addHelpText('after', HELP)
    .action(async (opts: { provider: string; out: string }, cmd: Command) => {
      const [{ createContext }, { runKeygen }] = await Promise.all([import('../../core/context.js'), import('./run-keygen.js')]);
      await runKeygen(createContext(rt, cmd), opts);
    });
}
