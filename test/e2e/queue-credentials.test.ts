import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { runCli } from '../support/run-cli.js';

// Exit code 3 through a real refusal: an emulator that checks its key, and the CLI given a wrong one.
const KEY = { name: 'RootManageSharedAccessKey', key: 'cmlnaHQta2V5LWZvci1lMmU=' };
const WRONG = 'd3Jvbmcta2V5LWZvci1lMmU=';
let em: EmulatorHandle;
beforeAll(async () => {
  em = await startEmulator({ port: 0, sharedAccessKey: KEY, config: { queues: [{ name: 'orders' }] } });
});
afterAll(() => em.close());

const withKey = (key: string) => em.connectionString.replace(`SharedAccessKey=${KEY.key}`, `SharedAccessKey=${key}`);

describe('queue commands against a namespace that refuses the key (black-box)', () => {
  it('exit 3 with one line naming the refusal, and neither key in the output', async () => {
    for (const args of [['queue', 'peek', 'orders'], ['queue', 'send', 'orders', '--body', '{"a":1}'], ['queue', 'triage', 'orders']]) {
      const run = await runCli(args, { env: { SERVICEBUS_CONNECTION_STRING: withKey(WRONG) } });
      expect({ args, code: run.code }).toEqual({ args, code: 3 });
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^error: Service Bus refused the credentials for "orders(\/\$DeadLetterQueue)?" on 127\.0\.0\.1:\d+ \(\w+\)\. Check SharedAccessKeyName/);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(run.stderr + run.stdout).not.toContain(WRONG);
      expect(run.stderr + run.stdout).not.toContain(KEY.key);
    }
  });

  it('doctor and smoke report the refused key as a failed check (exit 1), without the key', async () => {
    const env = { SERVICEBUS_CONNECTION_STRING: withKey(WRONG), SERVICEBUS_MANAGEMENT_PORT: String(em.managementPort) };
    const doctor = await runCli(['doctor', '--entity', 'orders'], { env });
    expect(doctor.code).toBe(1);
    // doctor asks the management API (which never creates an entity), and the emulator checks its key there too.
    expect(doctor.stdout).toMatch(/✘ entity orders +Service Bus's management API refused the credentials/);
    const smoke = await runCli(['smoke', '--json', '--queue', 'orders'], { env });
    expect(smoke.code).toBe(1);
    const report = JSON.parse(smoke.stdout) as { checks: { name: string; status: string; reason: string }[] };
    expect(report.checks.find((c) => c.name === 'servicebus')).toMatchObject({ status: 'fail', reason: expect.stringMatching(/refused the credentials/) });
    for (const run of [doctor, smoke]) expect(run.stdout + run.stderr).not.toContain(WRONG);
  });

  it('the same commands work with the right key', async () => {
    const env = { SERVICEBUS_CONNECTION_STRING: em.connectionString };
    expect(await runCli(['queue', 'send', 'orders', '--body', '{"a":1}', '--json'], { env })).toMatchObject({ code: 0, stdout: '{"sent":1,"target":"orders"}\n' });
    const peek = await runCli(['queue', 'peek', 'orders', '--json'], { env });
    expect(peek.code).toBe(0);
    expect(JSON.parse(peek.stdout.trim().split('\n')[0]!)).toMatchObject({ body: { a: 1 } });
  });
});
