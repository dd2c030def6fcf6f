import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPeek } from '../../../src/commands/queue/run-peek.js';
import { runTriage } from '../../../src/commands/queue/run-triage.js';
import { QueueWorld, deadLetter, lines, numbered, peekAll, send } from './support.js';

const world = new QueueWorld();
beforeAll(() => world.start());
afterAll(() => world.cleanUp());

describe('runPeek', () => {
  it('shows 20 messages by default and changes nothing', async () => {
    const client = world.client();
    const q = world.name();
    await send(client, q, numbered(30));
    const { ctx, rt } = world.context({ json: true });
    expect(await runPeek(ctx, { entity: { name: q, dlq: false } })).toEqual({ peeked: 20 });
    expect(lines(rt.stdout.text).map((m) => m.messageId)).toEqual(numbered(20).map((m) => m.messageId));
    const after = await peekAll(client, q);
    expect(after).toHaveLength(30);
    expect(after.every((m) => m.deliveryCount === 0)).toBe(true);
  });

  it('pages through any --count and starts at --from-sequence', async () => {
    const client = world.client();
    const q = world.name();
    await send(client, q, numbered(260));
    const all = await world.context({ json: true });
    await runPeek(all.ctx, { entity: { name: q, dlq: false }, count: 1000 });
    const everything = lines(all.rt.stdout.text);
    expect(everything).toHaveLength(260);
    const from = everything[205]!.sequenceNumber as string;
    const part = world.context({ json: true });
    await runPeek(part.ctx, { entity: { name: q, dlq: false }, count: 30, fromSequence: from });
    expect(lines(part.rt.stdout.text).map((m) => m.messageId)).toEqual(everything.slice(205, 235).map((m) => m.messageId));
  });

  it('prints a table on a terminal, fitting the body preview to its width, with the reason for dead letters', async () => {
    const client = world.client();
    const q = world.name();
    await deadLetter(client, q, [{ body: { text: 'y'.repeat(300) }, messageId: 'long-1', subject: 'big' }], 'TooBig', 'body over limit');
    const { ctx, rt } = world.context({ tty: true });
    await runPeek(ctx, { entity: { name: q, dlq: true } });
    const [header, row] = rt.stdout.text.trimEnd().split('\n');
    expect(header).toMatch(/SEQ\s+MESSAGE ID\s+ENQUEUED \(UTC\)\s+DLV\s+SUBJECT\s+BODY\s+DEAD-LETTER REASON/);
    expect(row).toMatch(/long-1\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+\d+\s+big\s+\{"text":"y+…\s+TooBig$/);
    expect(row!.length).toBeLessThanOrEqual(80 + 'TooBig'.length + 2);
    expect(rt.stderr.text).toMatch(/1 message/);
  });

  it('prints tab-separated rows without a header when piped', async () => {
    const client = world.client();
    const q = world.name();
    await send(client, q, [{ body: 'hello', messageId: 'p-1', subject: 's' }]);
    const { ctx, rt } = world.context();
    await runPeek(ctx, { entity: { name: q, dlq: false } });
    expect(rt.stdout.text.trimEnd().split('\t')).toEqual(['1', 'p-1', expect.stringMatching(/Z$/), '0', 's', 'hello']);
  });

  it('an empty queue: nothing on stdout, a note on stderr', async () => {
    const { ctx, rt } = world.context();
    expect(await runPeek(ctx, { entity: { name: world.name('empty'), dlq: false } })).toEqual({ peeked: 0 });
    expect(rt.stdout.text).toBe('');
    expect(rt.stderr.text).toMatch(/is empty: no messages to peek/);
  });
});

describe('runTriage', () => {
  it('groups the whole dead-letter queue by reason and description, biggest group first, changing nothing', async () => {
    const client = world.client();
    const q = world.name();
    await deadLetter(client, q, numbered(5, 'poison'), 'PoisonMessage', 'cannot parse body');
    await deadLetter(client, q, numbered(12, 'max'), 'MaxDeliveryCountExceeded', 'gave up after 10');
    await deadLetter(client, q, numbered(3, 'poison2'), 'PoisonMessage', 'unknown schema');
    await deadLetter(client, q, numbered(130, 'ttl'), 'TTLExpiredException', 'expired');
    const { ctx, rt } = world.context({ json: true });
    const report = await runTriage(ctx, { entity: { name: q, dlq: false } });
    const doc = JSON.parse(rt.stdout.text);
    expect(doc).toEqual(report);
    expect(doc).toMatchObject({ entity: q, total: 150, truncated: false });
    expect(doc.groups.map((g: { reason: string; description: string; count: number }) => [g.reason, g.description, g.count])).toEqual([
      ['TTLExpiredException', 'expired', 130],
      ['MaxDeliveryCountExceeded', 'gave up after 10', 12],
      ['PoisonMessage', 'cannot parse body', 5],
      ['PoisonMessage', 'unknown schema', 3],
    ]);
    const poison = doc.groups[2];
    expect(poison.sampleMessageIds).toEqual(['poison-0', 'poison-1', 'poison-2']);
    expect(Date.parse(poison.oldest)).toBeLessThanOrEqual(Date.parse(poison.newest));
    const still = await peekAll(client, q, { dlq: true });
    expect(still).toHaveLength(150);
  });

  it('stops at --max and says the count may be incomplete', async () => {
    const client = world.client();
    const q = world.name();
    await deadLetter(client, q, numbered(40), 'R', 'D');
    const { ctx, rt } = world.context();
    const report = await runTriage(ctx, { entity: { name: q, dlq: false }, max: 25 });
    expect(report).toMatchObject({ total: 25, truncated: true });
    expect(rt.stderr.text).toMatch(/stopped after --max 25/);
    expect(rt.stdout.text).toMatch(/^25\tR\tD\t/);
  });

  it('an empty dead-letter queue: an empty report under --json, a note otherwise', async () => {
    const q = world.name('clean');
    const json = world.context({ json: true });
    await runTriage(json.ctx, { entity: { name: q, dlq: false } });
    expect(JSON.parse(json.rt.stdout.text)).toEqual({ entity: q, by: 'reason', total: 0, truncated: false, groups: [] });
    const human = world.context();
    await runTriage(human.ctx, { entity: { name: q, dlq: false } });
    expect(human.rt.stdout.text).toBe('');
    expect(human.rt.stderr.text).toMatch(/no dead letters/);
  });
});
