import { close, fdatasync, open, rename, unlink, write } from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * A batch of files to commit: their journal frames are appended to the journal at `position` and fdatasynced, and
 * meanwhile each file is created under its temporary name (never over an existing file) with its bytes (a slice of
 * the frames), then renamed into place once the journal holds it. A file that cannot be made leaves no temporary file.
 */
export interface Batch {
  journalFd: number;
  position: number;
  /** In a buffer of its own: it is handed over to the thread, and unusable here afterwards. */
  frames: Uint8Array;
  temps: string[];
  finals: string[];
  starts: number[];
  ends: number[];
}

export interface BatchResult {
  /** Why the journal could not take the batch: then no file was made. */
  journal: Error | null;
  files: (Error | null)[];
}

/**
 * One thread that commits a folder's batches, one after the other, each with one message there and one back.
 * Measured here (ext4 on a 2-core VM), a message to a thread for each file (and the journal written from the event
 * loop through libuv's pool) cost about 100 µs of CPU a file, most of it in waking threads; a batch in one message
 * costs 55-70, and the event loop is free for the requests meanwhile. Creating and renaming take the directory's
 * lock, so more threads would only queue on it; two batches at a time made them smaller and cost more. The thread
 * has the journal fdatasynced on libuv's pool (one wake-up a batch) while it creates the files.
 */
const WORKER = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
function writeAll(fd, data, position) {
  for (let done = 0; done < data.length; ) done += fs.writeSync(fd, data, done, data.length - done, position === null ? null : position + done);
}
const failure = (e) => ({ message: e.message, code: e.code });
const drop = (path) => { try { fs.unlinkSync(path); } catch {} };
// The journal's fdatasync runs on libuv's pool while this thread creates the files; the renames wait for it.
// Batches are committed strictly one after the other, in the order they came.
let chain = Promise.resolve();
parentPort.on('message', (batch) => {
  chain = chain.then(() => commit(batch));
});
async function commit({ journalFd, position, frames, temps, finals, starts, ends }) {
  const data = Buffer.from(frames.buffer, frames.byteOffset, frames.byteLength);
  let synced;
  try {
    writeAll(journalFd, data, position);
    synced = new Promise((resolve) => fs.fdatasync(journalFd, (e) => resolve(e ? failure(e) : null)));
  } catch (e) {
    synced = Promise.resolve(failure(e));
  }
  const files = temps.map((temp, i) => {
    try {
      const fd = fs.openSync(temp, 'wx', 0o644);
      try { writeAll(fd, data.subarray(starts[i], ends[i]), null); } finally { fs.closeSync(fd); }
      return null;
    } catch (e) {
      if (e.code !== 'EEXIST') drop(temp);
      return failure(e);
    }
  });
  const journal = await synced;
  temps.forEach((temp, i) => {
    if (files[i]) return;
    if (journal) return drop(temp);
    try { fs.renameSync(temp, finals[i]); } catch (e) { files[i] = failure(e); drop(temp); }
  });
  parentPort.postMessage({ journal, files });
}
`;

type Raw = { message: string; code?: string } | null;

export class FileWorker {
  private worker: Worker | undefined;
  /** The callbacks of the batches sent and not answered yet, in order (the thread answers in order). */
  private sent: ((result: BatchResult) => void)[] = [];

  constructor() {
    try {
      this.worker = new Worker(WORKER, { eval: true });
      this.worker.unref();
      this.worker.on('message', (raw: { journal: Raw; files: Raw[] }) => {
        this.sent.shift()?.({ journal: toError(raw.journal), files: raw.files.map(toError) });
        if (this.sent.length === 0) this.worker?.unref();
      });
      // A thread that dies (it should not) hands its work back to libuv's pool.
      this.worker.on('error', () => this.fallBack());
    } catch {
      this.worker = undefined;
    }
  }

  /** Commits the batch; never rejects (failures are in the result). */
  commit(batch: Batch): Promise<BatchResult> {
    if (!this.worker) return commitInPool(batch);
    return new Promise((resolve) => {
      this.sent.push(resolve);
      this.worker!.ref();
      this.worker!.postMessage(batch, [batch.frames.buffer as ArrayBuffer]);
    });
  }

  /** Lets the thread go; later batches go through libuv's pool. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private fallBack(): void {
    this.worker = undefined;
    const stopped = new Error('the file thread stopped');
    for (const done of this.sent.splice(0)) done({ journal: stopped, files: [] });
  }
}

function toError(raw: Raw): Error | null {
  return raw ? Object.assign(new Error(raw.message), raw.code ? { code: raw.code } : {}) : null;
}

/** The same commit through libuv's pool: when the thread could not start, or after close. */
async function commitInPool(batch: Batch): Promise<BatchResult> {
  const data = Buffer.from(batch.frames.buffer, batch.frames.byteOffset, batch.frames.byteLength);
  const journalled = (async () => {
    await writeAll(batch.journalFd, data, batch.position);
    await call<void>((cb) => fdatasync(batch.journalFd, cb));
  })().then(
    () => null,
    (error: Error) => error,
  );
  const files = await Promise.all(
    batch.temps.map((temp, i) => createFile(temp, data.subarray(batch.starts[i], batch.ends[i])).then(() => null, (e: Error) => e)),
  );
  const journal = await journalled;
  await Promise.all(
    batch.temps.map(async (temp, i) => {
      if (files[i]) return;
      if (!journal) {
        try {
          return await call<void>((cb) => rename(temp, batch.finals[i]!, cb));
        } catch (error) {
          files[i] = error as Error;
        }
      }
      await call<void>((cb) => unlink(temp, cb)).catch(() => undefined);
    }),
  );
  return { journal, files };
}

async function createFile(path: string, data: Buffer): Promise<void> {
  const fd = await call<number>((cb) => open(path, 'wx', 0o644, cb));
  try {
    await writeAll(fd, data, null);
  } catch (error) {
    await call<void>((cb) => unlink(path, cb)).catch(() => undefined);
    throw error;
  } finally {
    await call<void>((cb) => close(fd, cb));
  }
}

async function writeAll(fd: number, data: Buffer, position: number | null): Promise<void> {
  for (let done = 0; done < data.length; ) {
    done += await call<number>((cb) => write(fd, data, done, data.length - done, position === null ? null : position + done, cb));
  }
}

function call<T>(fn: (cb: (error: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value))));
}
