import type { LoadedFixture } from './load.js';
import { fixtureTemplate, signTemplate, type FixtureTemplate, type PreparedRequest, type PrepareOptions } from './prepare.js';

/** A fixture ready to send: its template, and its request signed in second `sec` (or why it could not be). */
export interface ReadyFixture {
  loaded: LoadedFixture;
  template: FixtureTemplate;
  prepared: PreparedRequest | undefined;
  sec: number;
  error?: unknown;
}

/**
 * Hands out the fixtures in order, each signed in the second it is taken, signing up to `batch` of them in a row
 * when it runs out. Why in a row: an HMAC made between two sends cost replay about three times what it costs in a
 * loop (the crypto code and data are cold after the HTTP work), and signing was most of the gap to node's bare
 * client. A fixture signed in an earlier second than the one it is taken in is signed again, so every request
 * still carries the second it was sent in (timestamps have whole seconds); a failure to sign is raised when its
 * fixture is taken, as it would have been without the batch.
 */
export class SignAhead {
  private ready: ReadyFixture[] = [];
  private head = 0;
  private next = 0;

  constructor(
    private readonly fixtures: readonly LoadedFixture[],
    private readonly options: PrepareOptions,
    private readonly batch: number,
    private readonly nowSec: () => number,
  ) {}

  get done(): boolean {
    return this.head >= this.ready.length && this.next >= this.fixtures.length;
  }

  /** The next fixture, signed in the current second; throws what preparing it threw. Only when not done. */
  take(): ReadyFixture {
    if (this.head >= this.ready.length) this.fill();
    const item = this.ready[this.head]!;
    this.ready[this.head++] = undefined as unknown as ReadyFixture;
    const sec = this.nowSec();
    if (item.error === undefined && item.sec !== sec && item.prepared?.resigned) this.sign(item, sec);
    if (item.error !== undefined) throw item.error;
    return item;
  }

  /** The request for a fixture signed again now (a rate-limited run may start a fixture long after it was taken). */
  resign(item: ReadyFixture): PreparedRequest {
    this.sign(item, this.nowSec());
    if (item.error !== undefined) throw item.error;
    return item.prepared!;
  }

  private fill(): void {
    const end = Math.min(this.fixtures.length, this.next + this.batch);
    const sec = this.nowSec();
    this.ready = [];
    this.head = 0;
    for (; this.next < end; this.next++) {
      const loaded = this.fixtures[this.next]!;
      const item: ReadyFixture = { loaded, template: fixtureTemplate(loaded.fixture, this.options), prepared: undefined, sec };
      this.sign(item, sec);
      this.ready.push(item);
    }
  }

  private sign(item: ReadyFixture, sec: number): void {
    this.options.nowSec = sec;
    item.sec = sec;
    try {
      item.prepared = signTemplate(item.template, this.options);
      item.error = undefined;
    } catch (error) {
      item.error = error;
    }
  }
}
