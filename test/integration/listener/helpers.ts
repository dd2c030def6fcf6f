import { startListener, type Listener, type ListenerEventRecord, type ListenerOptions } from '../../../src/listener/index.js';

/** A listener on a free loopback port, with every --json record it emits kept in order. */
export interface Watched {
  listener: Listener;
  url: string;
  records: ListenerEventRecord[];
  /** Resolves when `n` records (finished events, forwards included) have been emitted. */
  events(n: number): Promise<ListenerEventRecord[]>;
}

export async function watchListener(options: ListenerOptions = {}): Promise<Watched> {
  const listener = await startListener({ host: '127.0.0.1', port: 0, ...options });
  const records: ListenerEventRecord[] = [];
  const waiters: { n: number; resolve: (r: ListenerEventRecord[]) => void }[] = [];
  listener.on('event', (record) => {
    records.push(record);
    for (const w of waiters.filter((w) => records.length >= w.n)) w.resolve(records);
  });
  return {
    listener,
    url: listener.url,
    records,
    events: (n) => (records.length >= n ? Promise.resolve(records) : new Promise((resolve) => waiters.push({ n, resolve }))),
  };
}
