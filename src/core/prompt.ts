import { UsageError } from './errors.js';
import { importEsm } from './esm-import.js';
import type { Output } from './output.js';
import { envFlag, type Runtime } from './runtime.js';

/**
 * Asks the user only when someone can answer: stdin and stdout are TTYs, CI is not set and --no-input was not
 * given. Otherwise a missing value is a usage error naming the flag that would have supplied it.
 */
export class Prompter {
  constructor(
    private readonly rt: Runtime,
    private readonly out: Output,
    private readonly noInput: boolean,
  ) {}

  get interactive(): boolean {
    return (
      this.rt.stdin.isTTY === true &&
      this.rt.stdout.isTTY === true &&
      !this.noInput &&
      !envFlag(this.rt.env, 'CI') &&
      !this.out.json
    );
  }

  /** A value for `flag`, asked for on a terminal. */
  async text(flag: string, message: string, validate?: (value: string) => true | string): Promise<string> {
    if (!this.interactive) {
      throw new UsageError(`missing ${flag}`, { hint: `pass ${flag} (there is no terminal to ask on)` });
    }
    const { input } = await importEsm<typeof import('@inquirer/prompts')>('@inquirer/prompts');
    return input({ message, validate: validate ?? ((v) => (v.trim() ? true : 'a value is required')) });
  }

  /**
   * Confirmation for a destructive action: `yes` (from --yes) skips it; without a terminal it is a usage error
   * that names --yes, and nothing has been touched.
   */
  async confirm(message: string, yes: boolean | undefined, action: string): Promise<boolean> {
    if (yes) return true;
    if (!this.interactive) {
      throw new UsageError(`${action} needs confirmation`, { hint: 'pass --yes to confirm without a terminal' });
    }
    const { confirm } = await importEsm<typeof import('@inquirer/prompts')>('@inquirer/prompts');
    return confirm({ message, default: false });
  }
}
