import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommitWriter, removeAbandonedTemps } from '../../../src/core/group-commit.js';

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
    expect(readdirSync(dir).sort()).toEqual(names);
    names.forEach((name, i) => expect(readFileSync(join(dir, name), 'utf8')).toBe(`{"n":${i}}\n`));
    // Writes after a burst still go through (the writer waits at most briefly for a batch to fill).
    await expect(writer.write('late.json', 'x')).resolves.toBe(join(dir, 'late.json'));
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
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([]);
    await expect(writer.write('after.json', 'still works')).resolves.toBe(join(dir, 'after.json'));
    expect(readFileSync(join(dir, 'after.json'), 'utf8')).toBe('still works');
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
