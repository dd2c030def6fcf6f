import { HttpForwardSink, startListener, type Listener } from '../../../src/listener/index.js';
import { startInspector, type Inspector, type InspectorOptions } from '../../../src/inspector/index.js';
import { startPeer, type Peer } from '../listener/peer.js';

export const SECRET = 'whsec_inspectorTestSecret0123456789abcdef';

/** An app (peer), a listener forwarding to it, and an inspector observing the listener: what `listen --inspect` runs. */
export interface Stack {
  app: Peer;
  listener: Listener;
  inspector: Inspector;
  target: string;
  close(): Promise<void>;
}

export async function startStack(options: {
  app?: Peer;
  handler?: Peer['handler'];
  secret?: string | null;
  recordDir?: string;
  inspector?: Partial<InspectorOptions>;
  listenerPort?: number;
} = {}): Promise<Stack> {
  const app = options.app ?? (await startPeer(options.handler));
  const target = `${app.url}/hook`;
  const secret = options.secret === null ? undefined : (options.secret ?? SECRET);
  const sink = new HttpForwardSink({ forwardTo: target, retries: 0, timeoutMs: 5000 });
  const listener = await startListener({ host: '127.0.0.1', port: options.listenerPort ?? 0, secret, recordDir: options.recordDir, sinks: [sink] });
  const inspector = await startInspector({
    port: 0, feed: listener, listenerUrl: listener.url, targets: [target], route: (t) => sink.target(t), secret,
    recordDir: options.recordDir, ...options.inspector,
  });
  return {
    app, listener, inspector, target,
    close: async () => {
      await inspector.close();
      await listener.close(0);
      if (!options.app) await app.close();
    },
  };
}
