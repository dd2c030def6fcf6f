import { CancelledError, UsageError } from './errors.js';
import { importEsm } from './esm-import.js';
import type { Output } from './output.js';
import { envFlag, type Runtime } from './runtime.js';

type Prompts = typeof import('@inquirer/prompts');

/** Options of a text prompt beyond its message. */
export interface TextOptions {
  validate?: (value: string) => true | string;
  /** What the typed value means, shown beside it as it is typed (e.g. "= 0.20 USD"). */
  explain?: (value: string) => string;
}

/**
 * Asks the user only when someone can answer: stdin and stdout are TTYs, CI is not set and --no-input was not
 * given. Otherwise a missing value is a usage error naming the flag that would have supplied it. Ctrl-C at a
 * prompt (or the interrupt signal while one is open) is a cancellation: exit 130, nothing done.
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
  async text(flag: string, message: string, options: TextOptions | ((value: string) => true | string) = {}): Promise<string> {
    if (!this.interactive) {
      throw new UsageError(`missing ${flag}`, { hint: `pass ${flag} (there is no terminal to ask on)` });
    }
    const { validate, explain } = typeof options === 'function' ? { validate: options, explain: undefined } : options;
    const { input } = await importEsm<Prompts>('@inquirer/prompts');
    return this.ask(() =>
      input(
        {
          message,
          validate: validate ?? ((v) => (v.trim() ? true : 'a value is required')),
          ...(explain ? { transformer: (v: string) => (v.trim() ? `${v}  ${explain(v)}` : v) } : {}),
        },
        { signal: this.rt.signal },
      ),
    );
  }

  /**
   * Confirmation for a destructive action: `yes` (from --yes) skips it; without a terminal it is a usage error
   * that names --yes, and nothing has been touched. "No" is a cancellation (CancelledError, exit 130) saying
   * `nothingDone`, the same answer as Ctrl-C at the same prompt. Resolves to true when confirmed.
   */
  async confirm(message: string, yes: boolean | undefined, action: string, nothingDone = 'nothing was done'): Promise<boolean> {
    if (yes) return true;
    if (!this.interactive) {
      throw new UsageError(`${action} needs confirmation`, { hint: 'pass --yes to confirm without a terminal' });
    }
    const { confirm } = await importEsm<Prompts>('@inquirer/prompts');
    const ok = await this.ask(() => confirm({ message, default: false }, { signal: this.rt.signal }), nothingDone);
    if (!ok) throw new CancelledError(`cancelled: ${nothingDone}`);
    return true;
  }

  private async ask<T>(prompt: () => Promise<T>, nothingDone = 'nothing was done'): Promise<T> {
    try {
      return await prompt();
    } catch (error) {
      // @inquirer/prompts: ExitPromptError for Ctrl-C (or the terminal closing), AbortPromptError for our signal.
      const name = (error as Error | undefined)?.name;
      if (name === 'ExitPromptError' || name === 'AbortPromptError' || name === 'CancelPromptError') {
        throw new CancelledError(`cancelled: ${nothingDone}`, { cause: error });
      }
      throw error;
    }
  }
}
