import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileWorker } from '../../../src/core/file-worker.js';

let dir: string;
let files: FileWorker;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-file-worker-'));
  files = new FileWorker();
});
afterEach(async () => {
  await files.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('FileWorker', () => {
  it('creates and renames many files asked for at once, each with its exact bytes', async () => {
    const data = (i: number) => Buffer.from(`{"n":${i},"pad":"${'é'.repeat(i * 40)}"}\n`);
    const created = await Promise.all(Array.from({ length: 50 }, (_, i) => files.create(join(dir, `.t${i}`), data(i))));
    expect(created.every((e) => e === null)).toBe(true);
    const renamed = await Promise.all(Array.from({ length: 50 }, (_, i) => files.rename(join(dir, `.t${i}`), join(dir, `f${i}`))));
    expect(renamed.every((e) => e === null)).toBe(true);
    for (let i = 0; i < 50; i++) expect(readFileSync(join(dir, `f${i}`))).toEqual(data(i));
    expect(existsSync(join(dir, '.t0'))).toBe(false);
  });

  it('never writes over an existing file, and gives each failure back to its own caller with its code', async () => {
    writeFileSync(join(dir, 'taken'), 'keep me');
    const [taken, fine, missing] = await Promise.all([
      files.create(join(dir, 'taken'), Buffer.from('new')),
      files.create(join(dir, 'fine'), Buffer.from('ok')),
      files.rename(join(dir, 'nothing-here'), join(dir, 'x')),
    ]);
    expect((taken as NodeJS.ErrnoException).code).toBe('EEXIST');
    expect(readFileSync(join(dir, 'taken'), 'utf8')).toBe('keep me');
    expect(fine).toBeNull();
    expect(readFileSync(join(dir, 'fine'), 'utf8')).toBe('ok');
    expect((missing as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('still works after close, through libuv\'s pool', async () => {
    await files.close();
    expect(await files.create(join(dir, 'after'), Buffer.from('late'))).toBeNull();
    expect(readFileSync(join(dir, 'after'), 'utf8')).toBe('late');
  });
});
