import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeRecords, encodeRecord, JOURNAL_PREFIX, recoverJournals } from '../../../src/core/journal.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-journal-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const records = [
  { name: '000001-a.json', data: Buffer.from('{"first":true}\n') },
  { name: '000002-b.json', data: Buffer.from('{"second":"é"}\n') },
  { name: '000003-c.json', data: Buffer.alloc(70_000, 0x61) },
];
const journal = () => Buffer.concat(records.map((r) => encodeRecord(r.name, r.data)));

describe('journal framing', () => {
  it('gives back every record, name and bytes, in order', () => {
    expect(decodeRecords(journal())).toEqual(records);
  });

  it('ignores a torn last record, wherever the append was cut', () => {
    const whole = journal();
    const lastStart = whole.length - encodeRecord(records[2]!.name, records[2]!.data).length;
    for (const cut of [lastStart + 1, lastStart + 11, lastStart + 20, whole.length - 1]) {
      expect(decodeRecords(whole.subarray(0, cut)).map((r) => r.name)).toEqual(['000001-a.json', '000002-b.json']);
    }
  });

  it('stops at a record whose bytes do not match its checksum, and at a tail of zeros', () => {
    const corrupt = journal();
    const secondStart = encodeRecord(records[0]!.name, records[0]!.data).length;
    corrupt.writeUInt8(corrupt.readUInt8(secondStart + 20) ^ 0xff, secondStart + 20);
    expect(decodeRecords(corrupt).map((r) => r.name)).toEqual(['000001-a.json']);
    const zeros = Buffer.concat([encodeRecord(records[0]!.name, records[0]!.data), Buffer.alloc(4096)]);
    expect(decodeRecords(zeros).map((r) => r.name)).toEqual(['000001-a.json']);
    expect(decodeRecords(Buffer.alloc(0))).toEqual([]);
  });
});

describe('recoverJournals', () => {
  it('re-creates fixtures missing or incomplete, leaves intact ones alone, and removes the journal', async () => {
    writeFileSync(join(dir, `${JOURNAL_PREFIX}1`), Buffer.concat([journal(), encodeRecord('000004-d.json', Buffer.from('torn')).subarray(0, 15)]));
    writeFileSync(join(dir, '000001-a.json'), records[0]!.data);
    writeFileSync(join(dir, '000003-c.json'), records[2]!.data);
    truncateSync(join(dir, '000003-c.json'), 4096); // written back only in part before the power went
    const restored = await recoverJournals(dir);
    expect(restored).toEqual(['000002-b.json', '000003-c.json']);
    expect(readdirSync(dir).sort()).toEqual(['000001-a.json', '000002-b.json', '000003-c.json']);
    for (const r of records) expect(readFileSync(join(dir, r.name))).toEqual(r.data);
  });

  it('does nothing in a folder without a journal, and never writes outside the folder', async () => {
    expect(await recoverJournals(dir)).toEqual([]);
    writeFileSync(join(dir, `${JOURNAL_PREFIX}2`), Buffer.concat([encodeRecord('../escape.json', Buffer.from('x')), encodeRecord('.hidden', Buffer.from('x'))]));
    expect(await recoverJournals(dir)).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });
});
