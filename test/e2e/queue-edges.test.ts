import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueWorld, deadLetter, numbered, send } from '../integration/queue/support.js';
import { countingProxy } from '../support/counting-proxy.js';
import { BIN, cleanEnv, runCli, type CliResult } from '../support/run-cli.js';
import { hasScript, onTerminal } from '../support/terminal.js';

// What a new user hit with the queue commands (issue 11 §3): a topic where a queue or subscription belongs,
// tables cut when piped, `| head` that did not stop the run, and Ctrl-C or "no" at a confirmation.
const world = new QueueWorld();
const LONG = `a body long enough to be cut on a terminal: ${'x'.repeat(300)} and its end`;
const DESCRIPTION = `the description of why it died, also much longer than twenty characters: ${'y'.repeat(120)} end`;
beforeAll(async () => {
  await world.start({
    config: {
      queues: ['long', 'dead', 'many', 'keep'].map((name) => ({ name })),
      topics: [{ name: 'events', subscriptions: [{ name: 'billing' }] }],
    },
  });
  const client = world.client();
  await send(client, 'long', [{ body: LONG, messageId: 'long-1' }]);
  await deadLetter(client, 'dead', numbered(2, 'd'), 'Poison', DESCRIPTION);
  await send(client, 'many', Array.from({ length: 2000 }, (_, i) => ({ body: `${i} ${'z'.repeat(200)}`, messageId: `many-${i}` })));
  await send(client, 'keep', numbered(3, 'k'));
}, 60_000);
afterAll(() => world.cleanUp());

function sy(args: string[], connectionString = world.connectionString): Promise<CliResult> {
  return runCli(args, { env: { SERVICEBUS_CONNECTION_STRING: connectionString } });
}

describe('a topic named where a queue or subscription belongs', () => {
  it.each([['peek'], ['triage'], ['drain', '--yes'], ['resubmit', '--yes']])('queue %s <topic>: exit 2, the hint names topic/subscriptions/<name>', async (verb, ...rest) => {
    const r = await sy(['queue', verb, 'events', ...rest]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^error: "events" is a topic/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('events/subscriptions/<name>');
    expect(r.stderr).not.toMatch(/retrying later may help|\$DeadLetterQueue\/Subscriptions/);
    expect(r.stdout).toBe('');
  });

  it("the emulator's own refusal, shown by --verbose, names a path that can exist", async () => {
    const r = await sy(['queue', 'triage', 'events', '--verbose']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('events/Subscriptions/<name>/$DeadLetterQueue');
    expect(r.stderr).not.toContain('$DeadLetterQueue/Subscriptions');
  });
});

describe('piped tables', () => {
  it('peek and triage print every field whole when piped (tab-separated), so cut and awk see what the terminal would', async () => {
    const peek = await sy(['queue', 'peek', 'long']);
    expect(peek.code).toBe(0);
    expect(peek.stdout.split(/[\t\n]/)).toContain(LONG);
    const triage = await sy(['queue', 'triage', 'dead']);
    expect(triage.code).toBe(0);
    expect(triage.stdout.split('\n')[0]!.split('\t')).toEqual(expect.arrayContaining(['Poison', DESCRIPTION, 'd-0,d-1']));
    expect(peek.stdout + triage.stdout).not.toContain('…');
  });
});

/**
 * Runs the CLI through a proxy that counts the broker's bytes, closes its stdout after the first chunk (what
 * `| head -1` does), and reports how much of the full run's traffic had flowed by the time it exited.
 */
async function closedEarly(args: string[]): Promise<{ code: number | null; stderr: string; fraction: number }> {
  const proxy = await countingProxy(world.emulator.port);
  const connection = world.connectionString.replace(`:${world.emulator.port};`, `:${proxy.port};`);
  try {
    const full = await sy(args, connection);
    expect(full.code, full.stderr).toBe(0);
    const total = proxy.bytesDown;
    const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv({ SERVICEBUS_CONNECTION_STRING: connection }) });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { code, stderr, fraction: (proxy.bytesDown - total) / total };
  } finally {
    await proxy.close();
  }
}

describe('a reader that closes the pipe early (| head -1)', () => {
  it('stops queue peek at once: exit 0, quiet, most of the queue never fetched', async () => {
    const r = await closedEarly(['queue', 'peek', 'many', '--count', '5000']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.fraction).toBeLessThan(0.5);
  });

  it('stops queue drain --dry-run --json at once', async () => {
    const r = await closedEarly(['queue', 'drain', 'many', '--dry-run', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.fraction).toBeLessThan(0.5);
  });
});

describe.skipIf(!hasScript)('confirmations on a terminal', () => {
  const env = () => ({ SERVICEBUS_CONNECTION_STRING: world.connectionString });

  it.each([
    ['drain', ['queue', 'drain', 'keep'], 'Drain every message', 'nothing was drained'],
    ['resubmit', ['queue', 'resubmit', 'dead'], 'Resubmit the matching dead letters', 'nothing was resubmitted'],
  ])('Ctrl-C at the %s confirmation: exit 130, "cancelled", nothing moved', async (_verb, args, prompt, nothing) => {
    const r = await onTerminal(args, [[prompt, { ctrlC: true }]], env());
    expect(r.code).toBe(130);
    expect(r.output).toContain(`cancelled: ${nothing}`);
    expect(r.output).not.toMatch(/internal error|this is a bug|error:/i);
    expect(world.emulator.entityCounts('keep')).toMatchObject({ active: 3 });
    expect(world.emulator.entityCounts('dead')).toMatchObject({ deadLetter: 2 });
  });

  it('Ctrl-C while queue send --file - waits for stdin: exit 130 at the first interrupt, nothing sent', async () => {
    const r = await onTerminal(['queue', 'send', 'keep', '--file', '-'], [['end with Ctrl-D', { ctrlC: true }]], env());
    expect(r.code).toBe(130);
    expect(r.output).toContain('interrupted while reading stdin: nothing was done');
    expect(world.emulator.entityCounts('keep')).toMatchObject({ active: 3 });
  });

  it('answering no is the same cancellation (exit 130), not a usage error', async () => {
    const r = await onTerminal(['queue', 'drain', 'keep'], [['Drain every message', 'n']], env());
    expect(r.code).toBe(130);
    expect(r.output).toContain('cancelled: nothing was drained');
    expect(r.output).not.toContain('error:');
    expect(world.emulator.entityCounts('keep')).toMatchObject({ active: 3 });
  });
});
