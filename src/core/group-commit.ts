import { readdir, unlink } from 'node:fs';
import { join } from 'node:path';
import { FileWorker } from './file-worker.js';
import { encodeRecords, Journal } from './journal.js';

interface Job {
  name: string;
  data: Buffer;
  resolve: (path: string) => void;
  reject: (error: Error) => void;
}

/** Temporary files are hidden and carry the writer's pid, so a later writer can tell an abandoned one. */
const TEMP = /^\..+\.(\d+)\.tmp$/;

export interface GroupCommitOptions {
  maxBatch?: number;
  /** A fresh journal is started once the current one holds this much (default 64 MiB) ... */
  rotateBytes?: number;
  /** ... or is this old (default 30 s); the files of the old one are then fsynced in the background. */
  rotateMs?: number;
}

/**
 * Writes files durably into one directory, many at a time: each write resolves only once its file is complete
 * under its final name and will survive a crash. Writes that arrive while a batch is being committed go to disk
 * together in the next one (group commit). A batch goes to one thread (file-worker.ts) in one message: the thread
 * writes each file to a hidden temporary name without an fsync of its own (creating and fsyncing a file per event
 * costs more than the whole request), appends the batch to the folder's write-ahead journal (see journal.ts) and
 * fdatasyncs it once, then renames the files into place. A reader, or a process killed at any moment, never sees
 * half a file under a final name; after a power loss the journal gives back whatever the page cache had not yet
 * written (`recoverJournals`).
 * Journals are retired once their files have been fsynced in the background, so the journal never grows unbounded.
 */
export class GroupCommitWriter {
  private queue: Job[] = [];
  private flushing = false;
  private gathering: NodeJS.Timeout | undefined;
  /** The sizes of the last few batches: the senders they answered are likely to come back about as many. */
  private recent: number[] = [];
  private lastFlushMs = 0;
  private readonly maxBatch: number;
  private readonly rotateBytes: number;
  private readonly rotateMs: number;
  private journal: Journal | undefined;
  private generation = 0;
  /** Older journals being retired (their files fsynced, then the journal deleted). */
  private retiring: Promise<void> = Promise.resolve();
  private idle: (() => void)[] = [];
  private readonly files = new FileWorker();

  constructor(
    readonly dir: string,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 256;
    this.rotateBytes = options.rotateBytes ?? 64 * 1024 * 1024;
    this.rotateMs = options.rotateMs ?? 30_000;
  }

  /** Resolves with the file's path once it is safe. `name` must be a plain file name, unique in the directory. */
  write(name: string, data: string | Buffer): Promise<string> {
    return new Promise((resolve, reject) => {
      this.queue.push({ name, data: typeof data === 'string' ? Buffer.from(data) : data, resolve, reject });
      if (!this.flushing) this.next();
    });
  }

  /**
   * Waits for the writes queued, fsyncs every file written, and deletes the journals: a clean stop leaves only the
   * files. Writes after it start a fresh journal.
   */
  async close(): Promise<void> {
    while (this.flushing || this.queue.length > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    const journal = this.journal;
    this.journal = undefined;
    await this.retiring;
    await journal?.retire(this.dir);
    await this.files.close();
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
    void this.writeBatch(batch).then(() => {
      this.lastFlushMs = performance.now() - started;
      this.flushing = false;
      if (this.queue.length > 0) this.next();
      else for (const resolve of this.idle.splice(0)) resolve();
    });
  }

  /** Never rejects: each job is settled on its own. */
  private async writeBatch(jobs: Job[]): Promise<void> {
    let journal: Journal;
    let position: number;
    const { frames, starts, ends } = encodeRecords(jobs);
    try {
      journal = await this.currentJournal();
      position = await journal.reserve(frames.length);
    } catch (error) {
      for (const job of jobs) job.reject(error as Error);
      return;
    }
    const finals = jobs.map((job) => join(this.dir, job.name));
    const temps = jobs.map((job) => join(this.dir, `.${job.name}.${process.pid}.tmp`));
    const result = await this.files.commit({ journalFd: journal.fd, position, frames, temps, finals, starts, ends });
    if (result.journal) journal.release(position);
    journal.appended();
    jobs.forEach((job, i) => {
      const error = result.journal ?? result.files[i] ?? null;
      if (error) return job.reject(error);
      journal.files.push(finals[i]!);
      job.resolve(finals[i]!);
    });
  }

  /** The journal to append to, after starting a fresh one when the current one is big or old enough. */
  private async currentJournal(): Promise<Journal> {
    const old = this.journal;
    if (old && old.size < this.rotateBytes && performance.now() - old.started < this.rotateMs) return old;
    this.journal = await Journal.create(this.dir, ++this.generation);
    // Background: the old journal goes once its files are in place and fsynced. Until then it covers a power loss.
    if (old) this.retiring = this.retiring.then(() => old.retire(this.dir).catch(() => undefined));
    return this.journal;
  }
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
