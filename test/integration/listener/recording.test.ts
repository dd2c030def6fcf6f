import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { envelopeBody, parseFixture } from '../../../src/core/fixtures.js';
import { runCli } from '../../support/run-cli.js';
import { send, signedStripe, stripeHeader } from './peer.js';
import { watchListener, type Watched } from './helpers.js';

/** The fixture files of a recording folder (the journal and temporary files are hidden, as `replay` skips them). */
const fixtures = (dir: string) => readdirSync(dir).filter((n) => !n.startsWith('.')).sort();

const SECRET = 'whsec_recordingTestSecret0123456789abcdef';
let dir: string;
let current: Watched | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-record-'));
});
afterEach(async () => {
  await current?.listener.close(0);
  current = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('startListener with recordDir', () => {
  it('writes one envelope per accepted event, named in arrival order, with the exact body and no secret', async () => {
    const w = (current = await watchListener({ secret: SECRET, recordDir: dir, events: ['payment_intent.*', 'charge.*'] }));
    const types = ['payment_intent.created', 'charge.succeeded', 'invoice.paid', 'payment_intent.succeeded'];
    const sent = [];
    for (const type of types) {
      const event = signedStripe(SECRET, type);
      sent.push(event);
      await send(w.url, event.body, { ...event.headers, authorization: `Bearer ${SECRET}` });
    }
    await send(w.url, sent[0]!.body, { ...sent[0]!.headers }); // duplicate: not recorded again
    await send(w.url, '{"id":"evt_bad","type":"charge.failed"}', { 'stripe-signature': 't=1,v1=00' }); // 400: not recorded
    const records = await w.events(6);
    const files = fixtures(dir);
    expect(files).toHaveLength(3);
    expect(files.map((f) => f.replace(/^\d+-\d{8}T\d{9}Z-/, ''))).toEqual([
      'payment_intent.created.json',
      'charge.succeeded.json',
      'payment_intent.succeeded.json',
    ]);
    expect(files.map((f) => f.slice(0, 7))).toEqual(['000001-', '000002-', '000003-']);
    expect(records.filter((r) => r.recorded).map((r) => r.recorded)).toEqual(files.map((f) => join(dir, f)));
    const kept = [sent[0]!, sent[1]!, sent[3]!];
    files.forEach((file, i) => {
      const text = readFileSync(join(dir, file), 'utf8');
      expect(text).not.toContain(SECRET.slice(6));
      const parsed = parseFixture(text, file);
      if (parsed.kind !== 'envelope') throw new Error('not an envelope');
      expect(parsed.envelope).toMatchObject({ provider: 'stripe', method: 'POST', path: '/' });
      expect(parsed.envelope.headers.authorization).toBeUndefined();
      expect(parsed.envelope.headers['stripe-signature']).toBe(kept[i]!.headers['stripe-signature']);
      expect(envelopeBody(parsed.envelope).toString('utf8')).toBe(kept[i]!.body);
    });
  });

  it('keeps bodies that are not UTF-8 byte for byte', async () => {
    const w = (current = await watchListener({ recordDir: dir }));
    const body = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x0d, 0x0a, 0x7d]);
    await send(w.url, body, { 'content-type': 'application/octet-stream' });
    await w.events(1);
    const [file] = fixtures(dir);
    const parsed = parseFixture(readFileSync(join(dir, file!)), file!);
    if (parsed.kind !== 'envelope') throw new Error('not an envelope');
    expect(envelopeBody(parsed.envelope).equals(body)).toBe(true);
  });

  it('numbers after the recordings already in the directory', async () => {
    let w = (current = await watchListener({ recordDir: dir }));
    await send(w.url, '{"id":"evt_1","type":"a.b"}');
    await w.events(1);
    await w.listener.close(0);
    w = current = await watchListener({ recordDir: dir });
    await send(w.url, '{"id":"evt_2","type":"a.b"}');
    await w.events(1);
    expect(fixtures(dir).map((f) => f.slice(0, 6))).toEqual(['000001', '000002']);
  });

  it('records fixtures that `webhooks verify` still verifies', async () => {
    const w = (current = await watchListener({ secret: SECRET, recordDir: dir }));
    const body = '{\r\n  "id": "evt_v",\r\n  "type": "charge.refunded",\r\n  "note": "Zoë"\r\n}\r\n';
    await send(w.url, body, { 'content-type': 'application/json', 'stripe-signature': stripeHeader(body, SECRET) });
    await w.events(1);
    const [file] = fixtures(dir);
    const r = await runCli(['webhooks', 'verify', join(dir, file!), '--secret', SECRET, '--ignore-time']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const wrong = await runCli(['webhooks', 'verify', join(dir, file!), '--secret', 'whsec_notTheRightSecret000000000000', '--ignore-time']);
    expect(wrong.code).toBe(1);
  });
});
