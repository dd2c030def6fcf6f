import { mkdirSync, readFileSync, writeFileSync, existsSync, unlinkSync } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { EmulatorConfigError } from './config.js';
import type { Journal, QueueRef } from './journal.js';
import { encodePut, encodeRemove, encodeSessionState, encodeUpdate, readRecords } from './log-records.js';
import { storedMessage, type StoredMessage } from './message.js';
import type { Namespace } from './namespace.js';
import type { MessageQueue } from './queue.js';

const LOG = 'messages.log';
const LOCK = 'LOCK';

/**
 * Opens (or creates) the data directory: replays the log into the namespace, rewrites it with only the live
 * messages, and returns a journal that appends to it. Sends are acknowledged only after their records are
 * fsynced (group commit: one fsync covers every send that arrived meanwhile).
 */
export async function openFileJournal(dir: string, ns: Namespace, log: (line: string) => void = () => {}): Promise<Journal> {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new EmulatorConfigError(`cannot create the data directory ${dir}: ${(error as Error).message}`);
  }
  takeLock(dir);
  const path = join(dir, LOG);
  const { queues, kept } = existsSync(path) ? replay(readFileSync(path), ns, log) : { queues: new Set<MessageQueue>(), kept: [] };
  // Compaction: the new log holds one record per live message, written aside and renamed into place.
  const tmp = `${path}.tmp`;
  const fresh = await open(tmp, 'w');
  for (const queue of queues) {
    for (const msg of queue.messages.values()) await fresh.write(encodePut(queue.path, msg));
    for (const s of queue.sessions?.withState() ?? []) await fresh.write(encodeSessionState(queue.path, s.id, s.state));
  }
  for (const raw of kept) await fresh.write(raw);
  await fresh.sync();
  await fresh.close();
  await rename(tmp, path);
  return new FileJournal(await open(path, 'a'), dir);
}

function takeLock(dir: string): void {
  const lock = join(dir, LOCK);
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    if (pid && pid !== process.pid && alive(pid)) {
      throw new EmulatorConfigError(`the data directory ${dir} is in use by another emulator (process ${pid})`);
    }
  }
  writeFileSync(lock, String(process.pid));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Applies the log to the namespace. Records of entities the current config does not declare are kept as they are
 * (not loaded), so running once with another config loses nothing.
 */
function replay(buf: Buffer, ns: Namespace, log: (line: string) => void): { queues: Set<MessageQueue>; kept: Buffer[] } {
  const { records, validLength } = readRecords(buf);
  if (validLength < buf.length) log(`data log: ignored ${buf.length - validLength} bytes of an incomplete last record`);
  const queues = new Set<MessageQueue>();
  const skipped = new Set<string>();
  const kept: Buffer[] = [];
  for (const record of records) {
    const queue = ns.source(record.path);
    if ('condition' in queue) {
      if (!skipped.has(record.path)) log(`data log: keeping but not loading messages of ${record.path}, which the config does not declare`);
      skipped.add(record.path);
      kept.push(record.raw);
      continue;
    }
    queues.add(queue);
    if (record.type === 'session-state') {
      queue.restoreSessionState(record.sessionId, record.state);
      continue;
    }
    const seq = record.type === 'put' ? record.msg.seq : record.seq;
    ns.counterFor(record.path)?.seen(seq);
    const existing = queue.messages.get(seq);
    if (existing) queue.remove(existing);
    if (record.type === 'put') queue.add(record.msg, false);
    else if (record.type === 'update' && existing) {
      queue.add(storedMessage({ ...existing, state: record.state, deliveries: record.deliveries }), false);
    }
  }
  return { queues, kept };
}

class FileJournal implements Journal {
  private pending: Buffer[] = [];
  private waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private running?: Promise<void>;
  private failed?: Error;

  constructor(
    private readonly file: FileHandle,
    private readonly dir: string,
  ) {}

  put(queue: QueueRef, msg: StoredMessage): void {
    this.append(encodePut(queue.path, msg));
  }
  remove(queue: QueueRef, seq: number): void {
    this.append(encodeRemove(queue.path, seq));
  }
  update(queue: QueueRef, msg: StoredMessage): void {
    this.append(encodeUpdate(queue.path, msg));
  }
  sessionState(queue: QueueRef, sessionId: string, state: Buffer | undefined): void {
    this.append(encodeSessionState(queue.path, sessionId, state));
  }

  commit(): Promise<void> | undefined {
    if (this.failed) return Promise.reject(this.failed);
    if (this.pending.length === 0) return undefined;
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.kick();
    });
  }

  async close(): Promise<void> {
    this.kick();
    while (this.running) await this.running;
    await this.file.sync().catch(() => {});
    await this.file.close();
    try {
      unlinkSync(join(this.dir, LOCK));
    } catch {
      // Already gone: nothing to release.
    }
  }

  private append(record: Buffer): void {
    this.pending.push(record);
    this.kick();
  }

  private kick(): void {
    if (this.running || (this.pending.length === 0 && this.waiters.length === 0)) return;
    this.running = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.drain());
  }

  /** Writes what is pending, fsyncs if a sender waits for it, and repeats until nothing is left. */
  private async drain(): Promise<void> {
    let waiters: FileJournal['waiters'] = [];
    try {
      while (this.pending.length > 0 || this.waiters.length > 0) {
        const chunk = Buffer.concat(this.pending);
        this.pending = [];
        waiters = this.waiters;
        this.waiters = [];
        let written = 0;
        while (written < chunk.length) written += (await this.file.write(chunk, written)).bytesWritten;
        if (waiters.length > 0) await this.file.datasync();
        for (const w of waiters.splice(0)) w.resolve();
      }
    } catch (error) {
      this.failed = error as Error;
      for (const w of [...waiters, ...this.waiters.splice(0)]) w.reject(this.failed);
    } finally {
      this.running = undefined;
    }
  }
}
