import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Creates `dir` and its missing parents one level at a time. Node's recursive mkdir loops for ever on a path such
 * as /proc/x, whose parent exists but refuses every mkdir with ENOENT (spinning a core, and on the main thread
 * deaf to signals); here each level is tried once and the first refusal is thrown. Kept apart from output-path so
 * that the start-up file (start.ts) can use it without loading more.
 */
export function ensureDirSync(dir: string): void {
  let found;
  try {
    found = statSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
  }
  if (found?.isDirectory()) return;
  if (found) throw Object.assign(new Error(`${dir} is not a directory`), { code: 'ENOTDIR' });
  const parent = dirname(dir);
  if (parent !== dir) ensureDirSync(parent);
  try {
    mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(dir).isDirectory()) throw error;
  }
}
