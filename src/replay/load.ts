import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readFixtureFile, type ParsedFixture } from '../core/fixtures.js';
import { UsageError } from '../core/errors.js';

/** A fixture file read and parsed, ready to send. */
export interface LoadedFixture {
  file: string;
  fixture: ParsedFixture;
}

/**
 * Expands the arguments to fixture files: a directory gives its `*.json` files (not hidden ones, not
 * sub-directories) in name order, so a recording directory replays in arrival order; files are taken as given.
 * Every file is parsed before anything is sent, so an invalid fixture stops the run before the first request.
 */
export async function loadFixtures(paths: string[]): Promise<LoadedFixture[]> {
  const files: string[] = [];
  for (const path of paths) {
    let isDir: boolean;
    try {
      isDir = (await stat(path)).isDirectory();
    } catch (error) {
      throw new UsageError(`${path}: no such file or directory`, { cause: error });
    }
    if (!isDir) {
      files.push(path);
      continue;
    }
    const names = (await readdir(path, { withFileTypes: true }))
      .filter((d) => d.isFile() && !d.name.startsWith('.') && d.name.toLowerCase().endsWith('.json'))
      .map((d) => d.name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    files.push(...names.map((name) => join(path, name)));
  }
  return files.map((file) => ({ file, fixture: readFixtureFile(file) }));
}
