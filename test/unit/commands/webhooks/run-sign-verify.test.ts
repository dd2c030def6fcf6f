import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runSign } from '../../../../src/commands/webhooks/run-sign.js';
import { runVerify } from '../../../../src/commands/webhooks/run-verify.js';
import { loadConfig } from '../../../../src/core/config.js';
import { contextFor } from '../../../../src/core/context.js';
import { CheckFailedError } from '../../../../src/core/errors.js';
import { fakeRuntime } from '../../../support/fake-runtime.js';

const SECRET = 'whsec_run0sign0verify0secret';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempFile = (name: string, content: string) => {
  const d = mkdtempSync(join(tmpdir(), 'switchyard-run-'));
  dirs.push(d);
  writeFileSync(join(d, name), content);
  return join(d, name);
};
const context = (env: NodeJS.ProcessEnv = {}, stdin?: Buffer) => {
  const rt = fakeRuntime({ env });
  if (stdin) {
    const input = new PassThrough();
    input.end(stdin);
    rt.stdin = input;
  }
  const ctx = contextFor(rt, loadConfig(env, { webhookSecret: SECRET }), { json: true });
  return { rt, ctx };
};

describe('runSign', () => {
  it('reads stdin, signs with the provider named in the envelope and keeps its event headers', async () => {
    const envelope = { provider: 'github', headers: { 'x-github-event': 'push', 'x-hub-signature-256': 'sha256=old' }, body: '{"ref":"main"}\n' };
    const { rt, ctx } = context({}, Buffer.from(JSON.stringify(envelope)));
    const result = await runSign(ctx, { file: '-', nowSec: 1_800_000_000 });
    expect(result.provider).toBe('github');
    expect(result.envelope.headers['x-github-event']).toBe('push');
    expect(result.envelope.headers['x-hub-signature-256']).not.toBe('sha256=old');
    expect(JSON.parse(rt.stdout.text)).toEqual(result.envelope);
  });

  it('warns that --id means nothing outside Standard Webhooks', async () => {
    const { rt, ctx } = context({}, Buffer.from('{}'));
    await runSign(ctx, { file: '-', id: 'msg_1', provider: 'slack' });
    expect(rt.stderr.text).toContain('--id is used only by standard, mailgun (its token) and custom schemes; ignored for slack');
  });
});

describe('runVerify', () => {
  const signed = async (provider: string) => {
    const { ctx } = context({}, Buffer.from('{"id":"evt_1"}'));
    const { envelope } = await runSign(ctx, { file: '-', provider });
    return tempFile(`${provider}.json`, JSON.stringify(envelope));
  };

  it("uses the envelope's provider, unless --provider says otherwise", async () => {
    const file = await signed('shopify');
    const { ctx } = context({ SWITCHYARD_WEBHOOK_PROVIDER: 'slack' });
    expect(await runVerify(ctx, { files: [file] })).toEqual([{ file, provider: 'shopify', valid: true, reason: null }]);
    const other = context().ctx;
    await expect(runVerify(other, { files: [file], provider: 'stripe' })).rejects.toBeInstanceOf(CheckFailedError);
  });

  it('falls back to SWITCHYARD_WEBHOOK_PROVIDER for an envelope without a provider', async () => {
    const file = await signed('github');
    const bare = tempFile('bare.json', JSON.stringify({ headers: { 'x-hub-signature-256': 'sha256=0' }, body: '{}' }));
    const { rt, ctx } = context({ SWITCHYARD_WEBHOOK_PROVIDER: 'slack' });
    await expect(runVerify(ctx, { files: [file, bare] })).rejects.toThrow('1 of 2 webhooks did not verify');
    const lines = rt.stdout.text.trim().split('\n').map((l) => JSON.parse(l) as { provider: string; reason: string });
    expect(lines[1]).toMatchObject({ provider: 'slack', reason: expect.stringContaining("are github's") });
  });
});
