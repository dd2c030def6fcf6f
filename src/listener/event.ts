import type { Headers, Provider } from '../adapters/webhooks/scheme.js';
import { isoTime } from '../core/iso-time.js';
import type { ReceivedEvent } from './types.js';

const EMPTY = Buffer.alloc(0);

/**
 * One request as the listener saw it. A class rather than object spreads because one is made for every request:
 * a fixed shape keeps it cheap, and the ISO arrival time is formatted only when something shows or records it.
 */
export class ListenerEvent implements ReceivedEvent {
  body: Buffer = EMPTY;
  status = 200;
  provider: Provider | null = null;
  type: string | null = null;
  id: string | null = null;
  verified = false;
  reason: string | null = null;
  duplicate = false;
  skipped = false;
  recorded: string | null = null;
  url: string | null = null;
  private iso: string | null = null;

  constructor(
    readonly seq: number,
    private readonly receivedAtMs: number,
    readonly method: string,
    readonly path: string,
    readonly headers: Headers,
  ) {}

  get receivedAt(): string {
    return (this.iso ??= isoTime(this.receivedAtMs));
  }
}
