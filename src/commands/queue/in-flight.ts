import type { LockedMessage, LockedReceiver } from '../../adapters/queue/index.js';
import { LockKeeper } from './lock-keeper.js';

/**
 * What a pipelined command (drain, resubmit) holds between receiving a message and settling it, per link: the
 * count that bounds how much it takes at once, which links are busy (see ReceiveAhead), the settlements running in
 * the background, and a LockKeeper per link that renews the locks meanwhile.
 */
export class InFlight {
  private readonly keepers = new Map<LockedReceiver, LockKeeper>();
  private readonly perLink = new Map<LockedReceiver, number>();
  private readonly running = new Set<Promise<void>>();
  /** Messages held and not yet released. */
  count = 0;

  constructor(receivers: readonly LockedReceiver[]) {
    for (const r of receivers) this.keepers.set(r, new LockKeeper(r));
  }

  /** Counts the messages as held on their link and keeps their locks alive until released. */
  hold(receiver: LockedReceiver, messages: readonly LockedMessage[]): void {
    this.keepers.get(receiver)?.add(messages);
    this.perLink.set(receiver, (this.perLink.get(receiver) ?? 0) + messages.length);
    this.count += messages.length;
  }

  /** Stops counting held messages but keeps their locks alive (resubmit's non-matching dead letters, held to the end). */
  park(receiver: LockedReceiver, messages: readonly LockedMessage[]): void {
    this.perLink.set(receiver, (this.perLink.get(receiver) ?? 0) - messages.length);
    this.count -= messages.length;
  }

  release(receiver: LockedReceiver, messages: readonly LockedMessage[]): void {
    this.keepers.get(receiver)?.remove(messages);
    this.perLink.set(receiver, (this.perLink.get(receiver) ?? 0) - messages.length);
    this.count -= messages.length;
  }

  /** Settles held messages in the background; they are released when `work` ends, however it ends. */
  run(receiver: LockedReceiver, messages: readonly LockedMessage[], work: () => Promise<void>): void {
    const done: Promise<void> = work().finally(() => {
      this.release(receiver, messages);
      this.running.delete(done);
    });
    this.running.add(done);
  }

  busy(receiver: LockedReceiver): boolean {
    return (this.perLink.get(receiver) ?? 0) > 0;
  }

  /** Resolves when one background settlement ends; undefined when none runs. */
  settled(): Promise<unknown> | undefined {
    return this.running.size > 0 ? Promise.race(this.running).catch(() => {}) : undefined;
  }

  /** Waits for every background settlement, then stops renewing. */
  async finish(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled(this.running);
    for (const k of this.keepers.values()) k.stop();
  }
}
