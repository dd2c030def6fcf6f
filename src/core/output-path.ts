import { randomBytes } from 'node:crypto';
import { closeSync, openSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.js';
import { ensureDirSync } from './make-dir.js';

/**
 * What an output flag names: `dir`, a directory the command writes files into (created when missing, level by
 * level); `file`, a file in a directory that must already exist (created, appended to, or replaced).
 */
export interface OutputPathSpec {
  kind: 'dir' | 'file';
  /** A file that already exists is refused (drain never overwrites). */
  mustNotExist?: boolean;
  /** Relative paths are taken from here (default: the process's working directory). */
  cwd?: string;
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'not permitted there',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EISDIR: 'it is a directory',
};

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return REASONS[code] ?? (code === 'ENOENT' ? 'the file system there does not allow it' : (error as Error).message);
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}

/** The first part of `path` that exists but is not a directory, if any: the reason `path` cannot be a directory. */
function fileInTheWay(path: string): string | undefined {
  for (let p = path; ; p = dirname(p)) {
    try {
      if (!statSync(p).isDirectory()) return p;
    } catch {
      // missing or unreachable: look further up
    }
    if (dirname(p) === p) return undefined;
  }
}

/** ensureDirSync for code that must not block: one mkdir when the directory exists, as `recursive` costs. */
export async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(dir);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && (await stat(dir)).isDirectory()) return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw error;
  }
  ensureDirSync(dir);
}

/** Creates and removes a file in `dir`: the only honest test of writing there (root passes every access check). */
function probe(dir: string): void {
  const file = join(dir, `.switchyard-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  closeSync(openSync(file, 'wx'));
  unlinkSync(file);
}

/**
 * Checks an output path before any work starts, so a bad `--record`, `--out`, `--report`, `--journal` or `--data`
 * is one line naming the flag and why (exit 2), not a failure halfway through. A `dir` is created if missing;
 * a `file`'s directory is not (say `mkdir -p` if you mean it). Returns the absolute path.
 */
export function checkOutputPath(path: string, flag: string, spec: OutputPathSpec): string {
  const abs = resolve(spec.cwd ?? process.cwd(), path);
  const fail = (why: string, hint?: string): never => {
    throw new UsageError(`${flag} ${path}: ${why}`, { hint });
  };
  const dir = spec.kind === 'dir' ? abs : dirname(abs);
  const blocker = fileInTheWay(dir);
  if (blocker) fail(`${blocker} is a file, not a directory`);
  try {
    checkKind(abs, dir, spec, path, flag, fail);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    fail(`cannot use it (${reasonOf(error)})`);
  }
  try {
    probe(dir);
  } catch (error) {
    fail(`cannot write in ${dir} (${reasonOf(error)})`, `pass a path you can write to`);
  }
  return abs;
}

function checkKind(abs: string, dir: string, spec: OutputPathSpec, path: string, flag: string, fail: (why: string, hint?: string) => never): void {
  if (spec.kind === 'dir') {
    try {
      ensureDirSync(dir);
    } catch (error) {
      fail(`cannot create the directory (${reasonOf(error)})`, `pass a directory you can write to`);
    }
  } else {
    if (!statOrNull(dir)) fail(`directory ${dir} does not exist`, `create it first (mkdir -p ${dir}); switchyard does not create parent directories for ${flag}`);
    const existing = statOrNull(abs);
    if (existing?.isDirectory()) fail('it is a directory', `name a file inside it, e.g. ${join(path, 'out')}`);
    if (existing && spec.mustNotExist) fail('the file already exists', `pass another ${flag}: it is never overwritten`);
    if (existing && !existing.isFile()) fail('it is not a regular file');
  }
}
