import { readdir } from 'node:fs/promises';
import { createEnvelope, serializeFixture } from '../core/fixtures.js';
import { GroupCommitWriter, removeAbandonedTemps } from '../core/group-commit.js';
import { recoverJournals } from '../core/journal.js';
import { ensureDir } from '../core/output-path.js';
import type { Headers } from '../adapters/webhooks/scheme.js';
import type { ReceivedEvent } from './types.js';

/** Credentials a sender may attach that have no place in a fixture (the signature headers are MACs, not secrets). */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);

const SEQ_WIDTH = 6;

/** `000042-20261122T190000123Z-payment_intent.succeeded.json`: `ls` lists recordings in arrival order. */
export function recordingName(seq: number, receivedAt: string, type: string | null): string {
  const stamp = receivedAt.replace(/[-:]/g, '').replace('.', '');
  const safeType = (type ?? 'event').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80) || 'event';
  return `${String(seq).padStart(SEQ_WIDTH, '0')}-${stamp}-${safeType}.json`;
}

/** The headers as recorded: credentials dropped, and any header carrying the listener's secret left out. */
export function recordableHeaders(headers: Headers, secret?: string): Headers {
  const out: Headers = {};
  for (const [name, value] of Object.entries(headers)) {
    if (CREDENTIAL_HEADERS.has(name)) continue;
    if (secret && secret.length >= 4 && value.includes(secret)) continue;
    out[name] = value;
  }
  return out;
}

/**
 * Writes each accepted event as one fixture envelope, numbered after the files already in the directory so a
 * restarted listener keeps the arrival order. Events recorded at the same time share their trip to the disk (see
 * GroupCommitWriter): each is answered once it is in the folder's fdatasynced journal and its file is in place.
 * Opening a folder first restores from a journal left by a listener that did not stop cleanly (a power loss can
 * take files the page cache had not written yet); `close` makes every file durable and deletes the journal.
 */
export class Recorder {
  private readonly writer: GroupCommitWriter;

  private constructor(
    readonly dir: string,
    private seq: number,
    private readonly secret?: string,
  ) {
    this.writer = new GroupCommitWriter(dir);
  }

  static async open(dir: string, secret?: string): Promise<Recorder> {
    await ensureDir(dir);
    await removeAbandonedTemps(dir);
    await recoverJournals(dir);
    let last = 0;
    for (const name of await readdir(dir)) {
      const match = /^(\d+)-.*\.json$/.exec(name);
      if (match) last = Math.max(last, Number(match[1]));
    }
    return new Recorder(dir, last, secret);
  }

  /** After the last record: fsyncs what was written and removes the journal. */
  close(): Promise<void> {
    return this.writer.close();
  }

  /** Writes the event and returns the file's path once it is safe: in the synced journal and in place. */
  record(event: ReceivedEvent): Promise<string> {
    this.seq += 1;
    const name = recordingName(this.seq, event.receivedAt, event.type);
    const envelope = createEnvelope(
      {
        ...(event.provider ? { provider: event.provider } : {}),
        method: event.method,
        path: event.path,
        ...(event.url ? { url: event.url } : {}),
        receivedAt: event.receivedAt,
        headers: recordableHeaders(event.headers, this.secret),
      },
      event.body,
    );
    return this.writer.write(name, serializeFixture(envelope));
  }
}
