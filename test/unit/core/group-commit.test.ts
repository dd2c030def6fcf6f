import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FileWorker } from '../../../src/core/file-worker.js';
import { GroupCommitWriter, removeAbandonedTemps } from '../../../src/core/group-commit.js';
import { decodeRecords, JOURNAL_PREFIX } from '../../../src/core/journal.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-group-commit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('GroupCommitWriter', () => {
  it('writes many files at once, each complete under its name once its promise resolves, and leaves nothing else', async () => {
    const writer = new GroupCommitWriter(dir);
    const names = Array.from({ length: 60 }, (_, i) => `${String(i).padStart(3, '0')}.json`);
    const paths = await Promise.all(names.map((name, i) => writer.write(name, `{"n":${i}}\n`)));
    expect(paths).toEqual(names.map((n) => join(dir, n)));
    // Besides the files, only the hidden journal that answers for them until they are fsynced.
    expect(readdirSync(dir).sort()).toEqual([`${JOURNAL_PREFIX}1`, ...names]);
    names.forEach((name, i) => expect(readFileSync(join(dir, name), 'utf8')).toBe(`{"n":${i}}\n`));
    // Writes after a burst still go through (the writer waits at most briefly for a batch to fill).
    await expect(writer.write('late.json', 'x')).resolves.toBe(join(dir, 'late.json'));
    // A clean stop makes the files durable and leaves nothing else.
    await writer.close();
    expect(readdirSync(dir).sort()).toEqual([...names, 'late.json']);
  });

  it('journals every file it writes, and retires a journal once it is big enough', async () => {
    const writer = new GroupCommitWriter(dir, { rotateBytes: 2000 });
    const text = 'x'.repeat(500);
    for (let batch = 0; batch < 6; batch++) {
      await Promise.all([0, 1].map((i) => writer.write(`${batch}-${i}.json`, text)));
    }
    const journals = () => readdirSync(dir).filter((n) => n.startsWith(JOURNAL_PREFIX));
    await vi.waitFor(() => expect(journals()).toHaveLength(1));
    const journalled = journals().flatMap((n) => decodeRecords(readFileSync(join(dir, n))).map((r) => r.name));
    // Old journals go once their files are fsynced (in the background); the newest holds the files since.
    expect(journalled.length).toBeGreaterThan(0);
    expect(journalled.length).toBeLessThan(12);
    await writer.close();
    expect(journals()).toEqual([]);
    expect(readdirSync(dir)).toHaveLength(12);
  });

  it('rejects the writes it could not make, leaves no temporary file, and goes on writing afterwards', async () => {
    const writer = new GroupCommitWriter(dir);
    mkdirSync(join(dir, 'taken-dir.json'));
    const results = await Promise.allSettled([
      writer.write('ok.json', 'new'),
      writer.write('taken-dir.json', 'cannot replace a directory'),
    ]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: join(dir, 'ok.json') });
    expect(results[1]!.status).toBe('rejected');
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    await expect(writer.write('after.json', 'still works')).resolves.toBe(join(dir, 'after.json'));
    expect(readFileSync(join(dir, 'after.json'), 'utf8')).toBe('still works');
  });
  it('after a batch the journal could not take, journals the next batches where it would have gone', async () => {
    const writer = new GroupCommitWriter(dir);
    await writer.write('1.json', 'one');
    // The journal's write fails half-way (a full or failing disk): torn bytes, then an error, and no file.
    const files = (writer as unknown as { files: FileWorker }).files;
    const commit = files.commit.bind(files);
    files.commit = async (batch) => {
      files.commit = commit;
      writeSync(batch.journalFd, Buffer.from('torn frame'), 0, 10, batch.position);
      return { journal: Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }), files: batch.temps.map(() => null) };
    };
    await expect(writer.write('2.json', 'two')).rejects.toThrow('no space left');
    await writer.write('3.json', 'three');
    const journal = readdirSync(dir).find((n) => n.startsWith(JOURNAL_PREFIX))!;
    // Recovery reads the journal up to its first bad frame: the third file must come before any.
    expect(decodeRecords(readFileSync(join(dir, journal))).map((r) => r.name)).toEqual(['1.json', '3.json']);
    expect(readdirSync(dir).filter((n) => !n.startsWith(JOURNAL_PREFIX)).sort()).toEqual(['1.json', '3.json']);
    await writer.close();
  });
});

describe('removeAbandonedTemps', () => {
  it('removes temporary files of writers no longer running, and only those', async () => {
    const dead = 2 ** 22 + 12345; // above Linux's pid_max default, so no process has it
    writeFileSync(join(dir, `.000001-x.json.${dead}.tmp`), 'half');
    writeFileSync(join(dir, `.000002-x.json.${process.pid}.tmp`), 'ours, in progress');
    writeFileSync(join(dir, '000003-x.json'), '{}');
    writeFileSync(join(dir, '.hidden-note'), 'not ours');
    await removeAbandonedTemps(dir);
    expect(readdirSync(dir).sort()).toEqual([`.000002-x.json.${process.pid}.tmp`, '.hidden-note', '000003-x.json']);
  });
});
