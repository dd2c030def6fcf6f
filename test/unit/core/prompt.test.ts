import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { Output } from '../../../src/core/output.js';
import { Prompter } from '../../../src/core/prompt.js';
import { fakeRuntime } from '../../support/fake-runtime.js';

function prompter(options: { tty: boolean; env?: NodeJS.ProcessEnv; noInput?: boolean; json?: boolean }) {
  const rt = fakeRuntime({ tty: options.tty, env: options.env });
  return new Prompter(rt, new Output(rt, { json: options.json }), options.noInput ?? false);
}

describe('Prompter', () => {
  it('is interactive only on a terminal without CI, --no-input or --json', () => {
    expect(prompter({ tty: true }).interactive).toBe(true);
    expect(prompter({ tty: false }).interactive).toBe(false);
    expect(prompter({ tty: true, env: { CI: 'true' } }).interactive).toBe(false);
    expect(prompter({ tty: true, noInput: true }).interactive).toBe(false);
    expect(prompter({ tty: true, json: true }).interactive).toBe(false);
  });

  it('turns a missing value into a usage error naming the flag when it cannot ask', async () => {
    const error = await prompter({ tty: false }).text('--amount', 'Amount?').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe('missing --amount');
  });

  it('requires --yes for a destructive action without a terminal, and skips the question with it', async () => {
    const p = prompter({ tty: false, env: { CI: 'true' } });
    await expect(p.confirm('Drain 10 messages?', false, 'drain')).rejects.toThrow('drain needs confirmation');
    await expect(p.confirm('Drain 10 messages?', true, 'drain')).resolves.toBe(true);
  });
});
