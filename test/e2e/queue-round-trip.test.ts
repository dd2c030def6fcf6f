import { join } from 'node:path';
import rhea, { type EventContext } from 'rhea';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveRawTransfers } from '../../src/emulator/rhea-internals.js';
import { connect, once } from '../integration/emulator/bare-client.js';
import { userSections } from '../integration/queue/amqp-types.js';
import { QueueWorld } from '../integration/queue/support.js';
import { runCli } from '../support/run-cli.js';

/**
 * drain → send gives back what was drained, as another SDK sees it: every AMQP type a .NET, Java or Python sender
 * can put in application properties, and every body kind, sent by a bare AMQP client, drained and sent back with
 * the built CLI (`switchyard queue drain`, `queue send --file`), then read down to the AMQP types.
 */
const world = new QueueWorld();
beforeAll(() => world.start());
afterAll(() => world.cleanUp());

const T = rhea.types as unknown as Record<string, (v: unknown) => unknown>;
const when = new Date('2026-11-22T19:00:00.123Z');
const uuid = Buffer.from('0f8fad5bd9cb469fa16570867728950e', 'hex');

/** Every AMQP type a property can have (Service Bus allows only primitives there). */
const PROPERTIES: Record<string, unknown> = {
  byte: T.wrap_byte!(-5),
  short: T.wrap_short!(-300),
  int: T.wrap_int!(70000),
  intPositiveSmall: T.wrap_int!(7),
  long: T.wrap_long!(-5_000_000_000),
  longBig: T.wrap_long!(Buffer.from('7fffffffffffff01', 'hex')),
  ubyte: T.wrap_ubyte!(200),
  ushort: T.wrap_ushort!(60000),
  uint: T.wrap_uint!(4_000_000_000),
  uintZero: T.wrap_uint!(0),
  ulong: T.wrap_ulong!(5),
  ulongBig: T.wrap_ulong!(Buffer.from('ffffffffffffff01', 'hex')),
  float: T.wrap_float!(1.5),
  double: T.wrap_double!(2.25),
  doubleWhole: T.wrap_double!(3),
  decimal32: T.Decimal32!(Buffer.from('2200000f', 'hex')),
  decimal64: T.Decimal64!(Buffer.from('2238000000000019', 'hex')),
  decimal128: T.Decimal128!(Buffer.from('30400000000000000000000000000007', 'hex')),
  char: T.wrap_char!(0x1f600),
  timestamp: T.wrap_timestamp!(when.getTime()),
  uuid: T.wrap_uuid!(uuid),
  binary: T.wrap_binary!(Buffer.from([0, 1, 2, 255])),
  string: T.wrap_string!('héllo'),
  symbol: T.wrap_symbol!('com.example:kind'),
  boolTrue: T.wrap_boolean!(true),
  boolFalse: T.wrap_boolean!(false),
  null: null,
};

const m = rhea.message as unknown as Record<string, (v: unknown) => unknown>;
/** The body kinds that come back section for section: one data section, an amqp-value, one amqp-sequence. */
const BODIES: Record<string, unknown> = {
  data: m.data_section!(Buffer.from([1, 2, 3])),
  value: { a: 1, b: 'two', list: [true, null, 2.5] },
  sequence: m.sequence_section!([1, 'a']),
};

/** Sends the messages with a bare client, drains them with the CLI, sends the file back, returns what arrives. */
async function roundTrip(messages: object[]): Promise<{ sent: Buffer[]; back: Buffer[] }> {
  const source = world.name('types');
  const target = world.name('back');
  const conn = await connect(world.emulator.port);
  receiveRawTransfers(conn);
  const sent = messages.map((msg) => rhea.message.encode(msg as never) as unknown as Buffer);
  const sender = conn.open_sender({ target: { address: source } });
  await once(sender, 'sendable');
  await new Promise<void>((resolve) => {
    let n = 0;
    sender.on('accepted', () => ++n === sent.length && resolve());
    for (const s of sent) sender.send(s as never, undefined, 0);
  });
  const dir = await world.tempDir();
  const env = { env: { SERVICEBUS_CONNECTION_STRING: world.connectionString }, cwd: dir };
  const drain = await runCli(['queue', 'drain', source, '--yes', '--out', 'drained.ndjson', '--idle-timeout', '300ms'], env);
  expect(drain.code, drain.stderr).toBe(0);
  const resend = await runCli(['queue', 'send', target, '--file', join(dir, 'drained.ndjson')], env);
  expect(resend.code, resend.stderr).toBe(0);
  const receiver = conn.open_receiver({ source: { address: target }, credit_window: 0, autoaccept: true } as never);
  const back: Buffer[] = [];
  await new Promise<void>((resolve) => {
    receiver.on('message', (ctx: EventContext) => {
      back.push(ctx.message as unknown as Buffer);
      if (back.length === sent.length) resolve();
    });
    receiver.add_credit(sent.length);
  });
  return { sent, back };
}

const idOf = (raw: Buffer) => String(rhea.message.decode(raw as never).message_id);
let trip: { sent: Map<string, Buffer>; back: Map<string, Buffer> };
beforeAll(async () => {
  const messages = [
    { message_id: 'properties', application_properties: PROPERTIES, body: m.data_section!(Buffer.from('x')) },
    ...Object.entries(BODIES).map(([kind, body]) => ({ message_id: kind, body })),
    { message_id: 'dataSeveral', body: m.data_sections!([Buffer.from('ab'), Buffer.from('cd')]) },
    { message_id: 'sequenceSeveral', body: m.sequence_sections!([[1], ['b']]) },
  ];
  const { sent, back } = await roundTrip(messages);
  trip = { sent: new Map(sent.map((b) => [idOf(b), b])), back: new Map(back.map((b) => [idOf(b), b])) };
}, 60_000);

describe('queue drain then queue send, read by a bare AMQP client', () => {
  it('gives back every application property with its AMQP type', () => {
    const properties = (raw: Buffer) => userSections(raw).find(([c]) => c === 0x74)![1] as [string, unknown[]];
    const pairs = (map: [string, unknown[]]) =>
      Object.fromEntries(Array.from({ length: map[1].length / 2 }, (_, i) => [(map[1][2 * i] as [string, string])[1], map[1][2 * i + 1]]));
    expect(pairs(properties(trip.back.get('properties')!))).toEqual(pairs(properties(trip.sent.get('properties')!)));
  });

  it.each(Object.keys(BODIES))('gives back a %s body section for section', (kind) => {
    expect(userSections(trip.back.get(kind)!)).toEqual(userSections(trip.sent.get(kind)!));
  });

  // The SDK writes one body section per message, so these are the known limits the README lists.
  it('gives back several data sections as one holding their bytes in order', () => {
    expect(userSections(trip.back.get('dataSeveral')!)).toEqual([[0x75, ['binary', Buffer.from('abcd').toString('hex')]]]);
  });

  it('gives back several amqp-sequence sections as one whose items are the sections', () => {
    expect(userSections(trip.back.get('sequenceSeveral')!)).toEqual([[0x76, ['list', [['list', [['uint', 1]]], ['list', [['string', 'b']]]]]]]);
  });
});
