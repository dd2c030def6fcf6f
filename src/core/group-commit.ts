import { readdir, unlink } from 'node:fs';
import { join } from 'node:path';
import { FileWorker } from './file-worker.js';
import { encodeRecord, Journal } from './journal.js';

interface Job {
  name: string;
  final: string;
  temp: string;
  data: Buffer;
  /** The temporary file's write, started as the job arrives: its error, if any. */
  written: Promise<Error | null>;
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
 * under its final name and will survive a crash. Writes that arrive while a flush is in progress go to disk together
 * in the next one (group commit). A batch is appended to the folder's write-ahead journal (see journal.ts) and the
 * journal is fdatasynced once for the whole batch, while each file is written to a hidden temporary name without an
 * fsync of its own (creating and fsyncing a file per event costs more than the whole request), as soon as it is asked
 * for and by one thread (file-worker.ts); once both are done, the files are renamed (by another thread, so a batch's
 * renames never wait behind the next batch's files). A reader, or a process killed at any moment, never sees half a
 * file under a final name; after a power loss the journal gives back whatever the page cache had not yet written
 * (`recoverJournals`).
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
  private readonly renamer = new FileWorker();

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
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      const temp = join(this.dir, `.${name}.${process.pid}.tmp`);
      // Creating the file is the dearest step (the directory's lock serialises it): it starts at once, while the
      // batch gathers and the journal before it syncs, rather than after.
      this.queue.push({ name, final: join(this.dir, name), temp, data: bytes, written: this.files.create(temp, bytes), resolve, reject });
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
    await Promise.all([this.files.close(), this.renamer.close()]);
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

  /**
   * Never rejects: each job is settled on its own. Returns once the batch is in the journal and its temporary files
   * are written; the renames (and the answers) go on while the next batch starts on the journal.
   */
  private async writeBatch(jobs: Job[]): Promise<void> {
    let journal: Journal;
    try {
      journal = await this.currentJournal();
    } catch (error) {
      // Their temporary files may be written already: removed, like any write that fails.
      await Promise.all(jobs.map((job) => job.written.then(() => fail(job, error as Error))));
      return;
    }
    // The journal's one fdatasync and the files' writes overlap; a file is renamed into place only once the journal
    // holds it, so any fixture name a power loss can leave behind is one the journal can restore.
    const [journalled, ...written] = await Promise.all([
      journal.append(Buffer.concat(jobs.map((job) => encodeRecord(job.name, job.data)))).then(
        () => null,
        (error: Error) => error,
      ),
      ...jobs.map((job) => job.written),
    ]);
    const renames = Promise.all(
      jobs.map(async (job, i) => {
        const error = journalled ?? written[i];
        if (error) return fail(job, error);
        try {
          journal.files.push(job.final);
          const renamed = await this.renamer.rename(job.temp, job.final);
          if (renamed) throw renamed;
          job.resolve(job.final);
        } catch (failed) {
          await fail(job, failed as Error);
        }
      }),
    ).then(() => {
      journal.renames.delete(renames);
    });
    journal.renames.add(renames);
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

function fail(job: Job, error: Error): Promise<void> {
  return new Promise((resolve) =>
    unlink(job.temp, () => {
      job.reject(error);
      resolve();
    }),
  );
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
