import { close, fsync, open, readdir, rename, unlink, writeFile } from 'node:fs';
import { join } from 'node:path';

interface Job {
  final: string;
  temp: string;
  data: string | Buffer;
  resolve: (path: string) => void;
  reject: (error: Error) => void;
}

/** Temporary files are hidden and carry the writer's pid, so a later writer can tell an abandoned one. */
const TEMP = /^\..+\.(\d+)\.tmp$/;

/**
 * Writes files durably into one directory, many at a time: each write resolves only once its file is complete on
 * disk under its final name. Writes that arrive while a flush is in progress go to disk together in the next one
 * (group commit): each file is written to a hidden temporary name and fsynced, all of a batch at once, then renamed,
 * and the directory is fsynced once for the whole batch. A reader, or a process killed at any moment, never sees
 * half a file under a final name.
 */
export class GroupCommitWriter {
  private queue: Job[] = [];
  private flushing = false;
  private gathering: NodeJS.Timeout | undefined;
  /** The sizes of the last few batches: the senders they answered are likely to come back about as many. */
  private recent: number[] = [];
  private lastFlushMs = 0;

  constructor(
    readonly dir: string,
    private readonly maxBatch = 256,
  ) {}

  /** Resolves with the file's path once it is on disk. `name` must be a plain file name, unique in the directory. */
  write(name: string, data: string | Buffer): Promise<string> {
    return new Promise((resolve, reject) => {
      this.queue.push({ final: join(this.dir, name), temp: join(this.dir, `.${name}.${process.pid}.tmp`), data, resolve, reject });
      if (!this.flushing) this.next();
    });
  }

  /**
   * Starts the next flush once the batch is as large as the recent ones, or after a quarter of the last flush's
   * time at most (1 to 20 ms). Senders answered together come back one by one: flushing at the first of them
   * would split every later batch in two (one event, then all the others), each paying a whole trip to the disk.
   */
  private next(): void {
    if (this.queue.length >= Math.max(1, ...this.recent)) {
      clearTimeout(this.gathering);
      this.gathering = undefined;
      this.flush();
    } else {
      this.gathering ??= setTimeout(() => {
        this.gathering = undefined;
        this.flush();
      }, Math.min(20, Math.max(1, this.lastFlushMs / 4)));
    }
  }

  private flush(): void {
    this.flushing = true;
    const batch = this.queue.splice(0, this.maxBatch);
    if (this.recent.push(batch.length) > 4) this.recent.shift();
    const started = performance.now();
    void writeBatch(this.dir, batch).then(() => {
      this.lastFlushMs = performance.now() - started;
      this.flushing = false;
      if (this.queue.length > 0) this.next();
    });
  }
}

/** Never rejects: each job is settled on its own. */
async function writeBatch(dir: string, jobs: Job[]): Promise<void> {
  const written = await Promise.all(jobs.map(writeOne));
  const renamed = jobs.filter((_, i) => written[i]);
  if (renamed.length === 0) return;
  const error = await syncDir(dir);
  for (const job of renamed) {
    if (error) job.reject(error);
    else job.resolve(job.final);
  }
}

/** Temporary file, written and fsynced, then renamed. False (and the job rejected) when any step failed. */
function writeOne(job: Job): Promise<boolean> {
  return new Promise((resolve) => {
    const fail = (error: Error) => {
      unlink(job.temp, () => {
        job.reject(error);
        resolve(false);
      });
    };
    // `wx`: never over an existing file; `flush`: fsync before close.
    writeFile(job.temp, job.data, { flag: 'wx', mode: 0o644, flush: true }, (error) => {
      if (error) return fail(error);
      rename(job.temp, job.final, (failed) => (failed ? fail(failed) : resolve(true)));
    });
  });
}

/** The renames become durable with the directory entry; where a directory cannot be fsynced, the rename stays atomic. */
function syncDir(dir: string): Promise<Error | null> {
  return new Promise((resolve) => {
    open(dir, 'r', (error, fd) => {
      if (error) return resolve(null);
      fsync(fd, (failed) => {
        close(fd, () => resolve(failed && failed.code !== 'EINVAL' && failed.code !== 'EISDIR' ? failed : null));
      });
    });
  });
}

/** Removes temporary files left by writers that no longer run (killed before their rename). */
export function removeAbandonedTemps(dir: string): Promise<void> {
  return new Promise((resolve) => {
    readdir(dir, (error, names) => {
      if (error) return resolve();
      const abandoned = names.filter((name) => {
        const pid = Number(TEMP.exec(name)?.[1] ?? NaN);
        return Number.isInteger(pid) && pid !== process.pid && !isRunning(pid);
      });
      let left = abandoned.length;
      if (left === 0) return resolve();
      for (const name of abandoned) unlink(join(dir, name), () => --left === 0 && resolve());
    });
  });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
