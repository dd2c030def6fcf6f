import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-completion-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What bash would offer after typing `words` (the last one being the partial word). */
function bashComplete(script: string, words: string[]): string[] {
  const file = join(dir, 'completion.bash');
  writeFileSync(file, script);
  const array = words.map((w) => `'${w}'`).join(' ');
  const out = execFileSync('bash', ['-c', `source ${file}; COMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _switchyard_complete; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

describe('switchyard completion', () => {
  it('prints a bash script that completes groups, verbs and flags', async () => {
    const result = await runCli(['completion', 'bash']);
    expect(result.code).toBe(0);
    expect(bashComplete(result.stdout, ['switchyard', ''])).toEqual(expect.arrayContaining(['payments', 'webhooks', 'queue', 'emulator']));
    expect(bashComplete(result.stdout, ['switchyard', 'webhooks', 'ver'])).toEqual(['verify']);
    expect(bashComplete(result.stdout, ['switchyard', '--json', 'webhooks', 'sign', '--js'])).toEqual(['--json']);
  });

  it('prints a zsh script built on bashcompinit and a fish script of complete lines', async () => {
    const zsh = await runCli(['completion', 'zsh']);
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toContain('bashcompinit');
    expect(zsh.stdout).toContain('complete -o default -F _switchyard_complete switchyard');
    const fish = await runCli(['completion', 'fish']);
    expect(fish.code).toBe(0);
    expect(fish.stdout).toContain("complete -c switchyard -n '__fish_use_subcommand' -a 'webhooks'");
    expect(fish.stdout).toMatch(/__fish_seen_subcommand_from webhooks; and __fish_seen_subcommand_from sign' -l json/);
  });

  it('rejects an unknown shell with exit 2', async () => {
    const result = await runCli(['completion', 'powershell']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: unknown shell "powershell". Choose bash, zsh or fish\n');
    expect(result.stdout).toBe('');
  });
});
