import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ServiceBusMessage, ServiceBusReceivedMessage } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDrain } from '../../../src/commands/queue/run-drain.js';
import { runSend } from '../../../src/commands/queue/run-send.js';
import { UsageError } from '../../../src/core/errors.js';
import { QueueWorld, lines, numbered, peekAll, send, takeAll } from './support.js';

const world = new QueueWorld();
beforeAll(() => world.start());
afterAll(() => world.cleanUp());

const when = new Date('2026-11-22T19:00:00.123Z');

/** Messages covering every body kind and every field the on-disk format carries. */
function originals(): ServiceBusMessage[] {
  return [
    {
      body: { order: 42, nested: { list: [1, 'two', null, true] } },
      messageId: 'json-1',
      contentType: 'application/json',
      correlationId: 'corr-1',
      subject: 'order.created',
      timeToLive: 3_600_000,
      replyTo: 'replies',
      to: 'billing',
      applicationProperties: { tenant: 'eu', count: 42, ratio: 1.5, negative: -7, yes: true, no: false, nothing: null, at: when },
    },
    { body: 'a plain string body', messageId: 'string-1', subject: 'note', sessionId: 'session-a', replyToSessionId: 'session-r' },
    { body: Buffer.from([0, 1, 2, 254, 255]), messageId: 'bytes-1', contentType: 'application/octet-stream' },
    { body: Buffer.from('{"spaced": true, "keep": "these bytes"}'), messageId: 'json-bytes-1', contentType: 'application/json' },
    { body: Buffer.from('héllo wörld\n'), messageId: 'text-bytes-1', contentType: 'text/plain; charset=utf-8' },
    { body: null, messageId: 99, correlationId: Buffer.from([9, 8, 7]) },
    { body: [1, 2, 3], messageId: 'partitioned-1', partitionKey: 'pk-1', applicationProperties: { big: 2 ** 40 } },
    // What a JMS TextMessage or an older AMQP client sends: an amqp-value body, and an amqp-sequence one.
    { body: 'jms text', bodyType: 'value', properties: { messageId: 'value-1', subject: 'jms' }, applicationProperties: { at: when } },
    { body: [[1, 'a'], [2]], bodyType: 'sequence', properties: { messageId: 'sequence-1' } },
  ] as ServiceBusMessage[];
}

/** Everything a consumer using the SDK can observe about a message, apart from what the broker assigns. */
function observable(m: ServiceBusReceivedMessage) {
  return {
    body: m.body,
    bodyType: m._rawAmqpMessage.bodyType,
    messageId: m.messageId,
    correlationId: m.correlationId,
    contentType: m.contentType,
    subject: m.subject,
    sessionId: m.sessionId,
    replyTo: m.replyTo,
    replyToSessionId: m.replyToSessionId,
    to: m.to,
    partitionKey: m.partitionKey,
    timeToLive: m.timeToLive,
    applicationProperties: m.applicationProperties,
  };
}

describe('runDrain then runSend', () => {
  it('round-trips messages so that the SDK cannot tell the copies from the originals', async () => {
    const client = world.client();
    const source = world.name('source');
    const target = world.name('target');
    await send(client, source, originals());
    const asSent = await peekAll(client, source, {}, { skipConvertingDate: true });
    const asBytes = await peekAll(client, source, {}, { skipParsingBodyAsJson: true });
    expect(asSent).toHaveLength(originals().length);
    expect(asBytes).toHaveLength(originals().length);

    const dir = await world.tempDir();
    const out = join(dir, 'drained.ndjson');
    const { ctx } = world.context({ cwd: dir });
    const drained = await runDrain(ctx, { entity: { name: source, dlq: false }, out, yes: true, idleTimeoutMs: 300 });
    expect(drained).toMatchObject({ drained: originals().length, file: out, notCompleted: 0 });
    expect(await peekAll(client, source)).toHaveLength(0);

    const sent = await runSend(world.context().ctx, { target, file: out });
    expect(sent).toEqual({ sent: originals().length, target });

    const copies = await peekAll(client, target, {}, { skipConvertingDate: true });
    const copyBytes = await peekAll(client, target, {}, { skipParsingBodyAsJson: true });
    expect(copies.map(observable)).toEqual(asSent.map(observable));
    expect(copyBytes.map((m) => m.body)).toEqual(asBytes.map((m) => m.body));
    // The date property stays a timestamp, not a number or a string.
    expect(copies[0]!.applicationProperties!.at).toEqual(when);
  });

  it('writes the on-disk format: JSON bodies as JSON, strings as strings, other bytes as $binary, dates as $date', async () => {
    const client = world.client();
    const source = world.name();
    await send(client, source, originals().slice(0, 3));
    const dir = await world.tempDir();
    const { ctx } = world.context({ cwd: dir });
    const result = await runDrain(ctx, { entity: { name: source, dlq: false }, yes: true, idleTimeoutMs: 300 });
    const written = lines(await readFile(result.file!, 'utf8'));
    expect(written[0]).toMatchObject({
      messageId: 'json-1',
      body: { order: 42, nested: { list: [1, 'two', null, true] } },
      contentType: 'application/json',
      correlationId: 'corr-1',
      subject: 'order.created',
      timeToLive: 3_600_000,
      applicationProperties: { tenant: 'eu', count: 42, at: { $date: '2026-11-22T19:00:00.123Z' }, nothing: null },
      sequenceNumber: expect.stringMatching(/^\d+$/),
      deadLetterReason: null,
    });
    expect(written[1]).toMatchObject({ body: 'a plain string body', sessionId: 'session-a' });
    expect(written[2]).toMatchObject({ body: { $binary: Buffer.from([0, 1, 2, 254, 255]).toString('base64') } });
    // Default file name: entity and a UTC timestamp, in the working directory.
    expect(await readdir(dir)).toEqual([expect.stringMatching(new RegExp(`^${source}-\\d{8}T\\d{6}Z\\.ndjson$`))]);
  });

  it('stops at --max and leaves the rest in the queue', async () => {
    const client = world.client();
    const source = world.name();
    await send(client, source, numbered(250));
    const dir = await world.tempDir();
    const result = await runDrain(world.context({ cwd: dir }).ctx, { entity: { name: source, dlq: false }, max: 130, yes: true, idleTimeoutMs: 300 });
    expect(result.drained).toBe(130);
    expect(lines(await readFile(result.file!, 'utf8')).map((m) => m.messageId)).toEqual(numbered(130).map((m) => m.messageId));
    expect(await peekAll(client, source)).toHaveLength(120);
  });

  it('drains a dead-letter queue, keeping the dead-letter reason and description', async () => {
    const client = world.client();
    const source = world.name();
    const { deadLetter } = await import('./support.js');
    await deadLetter(client, source, numbered(3, 'dl'), 'PoisonMessage', 'could not parse');
    await send(client, source, numbered(2, 'active'));
    const dir = await world.tempDir();
    const result = await runDrain(world.context({ cwd: dir }).ctx, { entity: { name: source, dlq: true }, yes: true, idleTimeoutMs: 300 });
    expect(result.file).toMatch(new RegExp(`${source}-dlq-\\d{8}T\\d{6}Z\\.ndjson$`));
    const written = lines(await readFile(result.file!, 'utf8'));
    expect(written.map((m) => [m.messageId, m.deadLetterReason, m.deadLetterErrorDescription])).toEqual([
      ['dl-0', 'PoisonMessage', 'could not parse'],
      ['dl-1', 'PoisonMessage', 'could not parse'],
      ['dl-2', 'PoisonMessage', 'could not parse'],
    ]);
    // The dead-letter properties are in their own fields, not among the application properties.
    expect(written[0]!.applicationProperties).toEqual({});
    expect(await peekAll(client, source)).toHaveLength(2);
  });

  it('streams each message to stdout under --json and prints the summary on stderr', async () => {
    const client = world.client();
    const source = world.name();
    await send(client, source, numbered(3));
    const dir = await world.tempDir();
    const { ctx, rt } = world.context({ cwd: dir, json: true });
    await runDrain(ctx, { entity: { name: source, dlq: false }, yes: true, idleTimeoutMs: 300 });
    expect(lines(rt.stdout.text).map((m) => m.messageId)).toEqual(['m-0', 'm-1', 'm-2']);
    expect(rt.stderr.text).toMatch(/drained 3 messages from .* into .*\.ndjson/);
  });

  it('never overwrites an existing file: usage error, nothing received', async () => {
    const client = world.client();
    const source = world.name();
    await send(client, source, numbered(2));
    const dir = await world.tempDir();
    const out = join(dir, 'exists.ndjson');
    await writeFile(out, 'keep me\n');
    const attempt = runDrain(world.context({ cwd: dir }).ctx, { entity: { name: source, dlq: false }, out, yes: true, idleTimeoutMs: 300 });
    await expect(attempt).rejects.toThrow(/already exists/);
    expect(await readFile(out, 'utf8')).toBe('keep me\n');
    expect(await peekAll(client, source)).toHaveLength(2);
  });

  it('needs --yes without a terminal and touches nothing without it', async () => {
    const client = world.client();
    const source = world.name();
    await send(client, source, numbered(2));
    const dir = await world.tempDir();
    const attempt = runDrain(world.context({ cwd: dir }).ctx, { entity: { name: source, dlq: false }, idleTimeoutMs: 300 });
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    expect(await readdir(dir)).toEqual([]);
    expect(await peekAll(client, source)).toHaveLength(2);
  });

  it('--dry-run only peeks: reports the count, writes no file, receives nothing', async () => {
    const client = world.client();
    const source = world.name();
    await send(client, source, numbered(4));
    const dir = await world.tempDir();
    const { ctx, rt } = world.context({ cwd: dir });
    const result = await runDrain(ctx, { entity: { name: source, dlq: false }, dryRun: true, idleTimeoutMs: 300 });
    expect(result).toMatchObject({ drained: 0, file: null, dryRun: true });
    expect(rt.stderr.text).toMatch(/dry run: would drain 4 messages/);
    expect(await readdir(dir)).toEqual([]);
    const left = await peekAll(client, source);
    expect(left.map((m) => m.deliveryCount)).toEqual([0, 0, 0, 0]);
  });

  it('an empty queue: no file, a note on stderr, nothing on stdout', async () => {
    const dir = await world.tempDir();
    const { ctx, rt } = world.context({ cwd: dir, json: true });
    const result = await runDrain(ctx, { entity: { name: world.name('empty'), dlq: false }, yes: true, idleTimeoutMs: 200 });
    expect(result).toMatchObject({ drained: 0, file: null });
    expect(rt.stdout.text).toBe('');
    expect(rt.stderr.text).toMatch(/is empty: nothing drained, no file written/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('stops on Ctrl-C: what was written is completed, the rest stays, InterruptedError', async () => {
    const client = world.client();
    const source = world.name();
    await send(client, source, numbered(2000));
    const dir = await world.tempDir();
    const { ctx, rt } = world.context({ cwd: dir });
    const out = join(dir, 'part.ndjson');
    const run = runDrain(ctx, { entity: { name: source, dlq: false }, out, yes: true, idleTimeoutMs: 300, batchSize: 50 });
    // Interrupt as soon as the first batch is on disk.
    for (let i = 0; i < 200; i += 1) {
      const text = await readFile(out, 'utf8').catch(() => '');
      if (text.length > 0) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    rt.abort();
    await expect(run).rejects.toMatchObject({ exitCode: 130 });
    const written = lines(await readFile(out, 'utf8')).map((m) => m.messageId as string);
    const left = (await peekAll(client, source)).map((m) => m.messageId as string);
    expect(written.length).toBeGreaterThan(0);
    expect(written.length).toBeLessThan(2000);
    expect(new Set([...written, ...left]).size).toBe(2000);
    expect(written.length + left.length).toBe(2000);
  });
});

describe('runSend', () => {
  it('validates the whole file first: one broken line, nothing sent, the line named', async () => {
    const client = world.client();
    const target = world.name();
    const dir = await world.tempDir();
    const file = join(dir, 'broken.ndjson');
    await writeFile(file, '{"body":1}\n{"body":2}\n\n{"body":3,"applicationProperties":{"x":[1]}}\n{"body":4}\n');
    await expect(runSend(world.context({ cwd: dir }).ctx, { target, file: 'broken.ndjson' })).rejects.toThrow(
      /broken\.ndjson line 4: applicationProperties\.x/,
    );
    expect(await peekAll(client, target)).toHaveLength(0);
  });

  it('sends --body text, a JSON --body as JSON, with --property and header flags', async () => {
    const client = world.client();
    const target = world.name();
    const { ctx, rt } = world.context({ json: true });
    await runSend(ctx, { target, body: 'hello', properties: { tenant: 'eu' }, subject: 'greeting', messageId: 'hi-1' });
    await runSend(ctx, { target, body: '{"order":42}', correlationId: 'c-9', sessionId: 's-9' });
    expect(lines(rt.stdout.text)).toEqual([{ sent: 1, target }, { sent: 1, target }]);
    const [text, json] = await takeAll(client, target);
    expect(text).toMatchObject({ body: 'hello', subject: 'greeting', messageId: 'hi-1', applicationProperties: { tenant: 'eu' } });
    expect(json).toMatchObject({ body: { order: 42 }, contentType: 'application/json', correlationId: 'c-9', sessionId: 's-9' });
    expect(json!.messageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('adds --property to every line of a file and sends a large file in link-sized batches', async () => {
    const client = world.client();
    const target = world.name();
    const dir = await world.tempDir();
    const file = join(dir, 'many.ndjson');
    const body = 'x'.repeat(1_500);
    await writeFile(file, Array.from({ length: 1_500 }, (_, i) => JSON.stringify({ messageId: `n-${i}`, body })).join('\n') + '\n');
    const result = await runSend(world.context({ cwd: dir }).ctx, { target, file, properties: { batch: '7' } });
    expect(result.sent).toBe(1_500);
    const got = await takeAll(client, target);
    expect(got.map((m) => m.messageId)).toEqual(Array.from({ length: 1_500 }, (_, i) => `n-${i}`));
    expect(got.every((m) => m.applicationProperties?.batch === '7' && m.body === body)).toBe(true);
  });

  it('reads the file from stdin with --file -', async () => {
    const client = world.client();
    const target = world.name();
    const { ctx, rt } = world.context();
    const stdin = Readable.from(['{"body":"one","messageId":"s-1"}\n{"body"', ':"two","messageId":"s-2"}\n']) as Readable & { isTTY?: boolean };
    (rt as { stdin: typeof stdin }).stdin = stdin;
    expect(await runSend(ctx, { target, file: '-' })).toEqual({ sent: 2, target });
    expect((await takeAll(client, target)).map((m) => [m.messageId, m.body])).toEqual([['s-1', 'one'], ['s-2', 'two']]);
  });

  it('ignores the broker fields of a drained dead letter (the shipped sample) and sends the rest', async () => {
    const client = world.client();
    const target = world.name();
    const file = new URL('../../../fixtures/servicebus/orders-dlq.ndjson', import.meta.url).pathname;
    await runSend(world.context().ctx, { target, file });
    const got = await takeAll(client, target);
    expect(got.map((m) => m.messageId)).toEqual(['order-2001', 'order-2002', 'order-2003', 'refund-88']);
    expect(got[0]!.deadLetterReason).toBeUndefined();
    expect(got[3]!.applicationProperties).toEqual({ tenant: 'eu', requestedAt: Date.parse('2026-11-22T18:00:00.000Z') });
  });
});
