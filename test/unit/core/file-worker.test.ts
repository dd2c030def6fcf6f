import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileWorker, type Batch } from '../../../src/core/file-worker.js';
import { decodeRecords, encodeRecords } from '../../../src/core/journal.js';

let dir: string;
let files: FileWorker;
let journalFd: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-file-worker-'));
  files = new FileWorker();
  journalFd = openSync(join(dir, '.journal'), 'w');
});
afterEach(async () => {
  await files.close();
  closeSync(journalFd);
  rmSync(dir, { recursive: true, force: true });
});

function batch(entries: { name: string; data: Buffer }[], position = 0, fd = journalFd): Batch {
  const { frames, starts, ends } = encodeRecords(entries);
  return {
    journalFd: fd,
    position,
    frames,
    starts,
    ends,
    temps: entries.map((e) => join(dir, `.${e.name}.tmp`)),
    finals: entries.map((e) => join(dir, e.name)),
  };
}

const data = (i: number) => Buffer.from(`{"n":${i},"pad":"${'é'.repeat(i * 40)}"}\n`);

describe.each([
  ['its thread', async () => undefined],
  ["libuv's pool, after close", async () => files.close()],
])('FileWorker through %s', (_, before) => {
  it('commits a batch: each file complete under its name, the journal holding them all, nothing else left', async () => {
    await before();
    const entries = Array.from({ length: 50 }, (_, i) => ({ name: `f${i}.json`, data: data(i) }));
    const first = await files.commit(batch(entries.slice(0, 20)));
    const size = readFileSync(join(dir, '.journal')).length;
    const second = await files.commit(batch(entries.slice(20), size));
    expect([first.journal, second.journal]).toEqual([null, null]);
    expect([...first.files, ...second.files].every((e) => e === null)).toBe(true);
    entries.forEach(({ name, data }) => expect(readFileSync(join(dir, name))).toEqual(data));
    expect(decodeRecords(readFileSync(join(dir, '.journal')))).toEqual(entries);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('never writes over an existing file, and gives each failure back to its own file with its code', async () => {
    await before();
    writeFileSync(join(dir, '.taken.json.tmp'), 'keep me');
    mkdirSync(join(dir, 'a-dir.json'));
    const result = await files.commit(
      batch([
        { name: 'taken.json', data: Buffer.from('new') },
        { name: 'fine.json', data: Buffer.from('ok') },
        { name: 'a-dir.json', data: Buffer.from('cannot replace a directory') },
      ]),
    );
    expect(result.journal).toBeNull();
    expect((result.files[0] as NodeJS.ErrnoException).code).toBe('EEXIST');
    expect(readFileSync(join(dir, '.taken.json.tmp'), 'utf8')).toBe('keep me');
    expect(existsSync(join(dir, 'taken.json'))).toBe(false);
    expect(result.files[1]).toBeNull();
    expect(readFileSync(join(dir, 'fine.json'), 'utf8')).toBe('ok');
    expect((result.files[2] as NodeJS.ErrnoException).code).toMatch(/^(EISDIR|ENOTEMPTY|EEXIST|EPERM)$/);
    expect(existsSync(join(dir, '.a-dir.json.tmp'))).toBe(false);
  });

  it('makes no file when the journal cannot take the batch', async () => {
    await before();
    const readOnly = openSync(join(dir, '.journal'), 'r');
    try {
      const result = await files.commit(batch([{ name: 'x.json', data: Buffer.from('x') }], 0, readOnly));
      expect((result.journal as NodeJS.ErrnoException).code).toBe('EBADF');
      expect(readdirSync(dir).sort()).toEqual(['.journal']);
    } finally {
      closeSync(readOnly);
    }
  });
});
