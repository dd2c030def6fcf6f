import rhea from 'rhea';
import { describe, expect, it } from 'vitest';
import { reorderGuidBytes } from '../../../src/emulator/lock-token.js';
import { receiveRawTransfers } from '../../../src/emulator/rhea-internals.js';
import { connect, management, receivePeekLock, sendAll, status } from './bare-client.js';
import { emulator } from './support.js';

/**
 * Where the .NET, Java and Python SDKs look for what the JavaScript one finds elsewhere: the lock token in the
 * `x-opt-lock-token` delivery annotation, and typed AMQP arrays in $management answers.
 */
const LOCK_TOKEN = 'x-opt-lock-token';
const uuids = (tokens: Buffer[]) => rhea.types.wrap_array(tokens, 0x98, undefined);

describe('lock tokens and $management answers as other SDKs read them', () => {
  it('puts the lock token of a deferred message fetched by sequence number in its delivery annotations', async () => {
    const em = await emulator();
    const conn = await connect(em.port);
    await sendAll(conn, 'q', [{ body: 'deferred' }]);
    const { received } = await receivePeekLock(conn, 'q', 1);
    const seq = received[0]!.message.message_annotations?.['x-opt-sequence-number'] as number;
    received[0]!.delivery.modified({ undeliverable_here: true });
    const mgmt = await management(conn, 'q');
    const answer = await mgmt.request('com.microsoft:receive-by-sequence-number', {
      'sequence-numbers': rhea.types.wrap_array([seq], 0x81, undefined),
      'receiver-settle-mode': rhea.types.wrap_uint(1),
    });
    expect(status(answer)).toBe(200);
    const entry = (answer.body as { messages: Array<{ message: Buffer; 'lock-token': Buffer }> }).messages[0]!;
    const token = rhea.message.decode(entry.message).delivery_annotations?.[LOCK_TOKEN] as Buffer;
    expect(token).toEqual(entry['lock-token']);
    // A client that knows only the annotation completes the message with it.
    const done = await mgmt.request('com.microsoft:update-disposition', { 'lock-tokens': uuids([token]), 'disposition-status': 'completed' });
    expect(status(done)).toBe(200);
    expect(em.entityCounts('q')?.total).toBe(0);
  });

  it('puts the lock token of a peek-locked delivery in its delivery annotations, as its delivery tag in GUID byte order', async () => {
    const em = await emulator();
    const conn = await connect(em.port);
    await sendAll(conn, 'q', [{ body: 'locked' }]);
    const { received } = await receivePeekLock(conn, 'q', 1);
    const token = received[0]!.message.delivery_annotations?.[LOCK_TOKEN] as Buffer;
    expect(token).toEqual(reorderGuidBytes(Buffer.from(received[0]!.delivery.tag as Buffer)));
    const mgmt = await management(conn, 'q');
    const done = await mgmt.request('com.microsoft:update-disposition', { 'lock-tokens': uuids([token]), 'disposition-status': 'suspended' });
    expect(status(done)).toBe(200);
    expect(em.entityCounts('q')).toMatchObject({ total: 0, deadLetter: 1 });
  });

  it('answers renew-lock with an AMQP array of timestamps (Java reads Date[], .NET DateTime[])', async () => {
    const em = await emulator();
    const conn = await connect(em.port);
    await sendAll(conn, 'q', [{ body: 'renew me' }]);
    const { received } = await receivePeekLock(conn, 'q', 1);
    const token = reorderGuidBytes(Buffer.from(received[0]!.delivery.tag as Buffer));
    receiveRawTransfers(conn);
    const mgmt = await management(conn, 'q');
    const answer = await mgmt.request('com.microsoft:renew-lock', { 'lock-tokens': uuids([token]) });
    expect(status(answer)).toBe(200);
    const raw = answer.raw!;
    const at = raw.indexOf('expirations') + 'expirations'.length;
    // array8 (0xe0: size, count, element constructor) or array32 (0xf0: size and count on 4 bytes each)
    expect([0xe0, 0xf0]).toContain(raw[at]);
    expect(raw[raw[at] === 0xe0 ? at + 3 : at + 9]).toBe(0x83);
    const [until] = (answer.body as { expirations: Date[] }).expirations;
    expect(until!.getTime()).toBeGreaterThan(Date.now());
  });

  it('names a $management failure under errorCondition, where the .NET, Java and Python SDKs read it', async () => {
    const em = await emulator();
    const conn = await connect(em.port);
    const mgmt = await management(conn, 'q');
    const answer = await mgmt.request('com.microsoft:renew-lock', { 'lock-tokens': uuids([Buffer.alloc(16, 7)]) });
    expect(status(answer)).toBe(410);
    expect(answer.application_properties?.errorCondition).toBe('com.microsoft:message-lock-lost');
  });
});
