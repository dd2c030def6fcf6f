/**
 * The Stripe-compatible test server. It lives in src/testing/ so that it is compiled into dist/ too: the bench
 * (plain JS) and `switchyard demo` start the very same server the tests use.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startStripeServer, type StripeServer, type StripeServerOptions } from '../../src/testing/stripe-server/index.js';

export * from '../../src/testing/stripe-server/index.js';

/**
 * One server for the test file that calls this: started before its tests (and handed to `use`), emptied before
 * each test, closed after the last.
 */
export function useStripeServer(use: (server: StripeServer) => void, options?: StripeServerOptions): void {
  let server: StripeServer | undefined;
  beforeAll(async () => {
    server = await startStripeServer(options);
    use(server);
  });
  beforeEach(() => server?.reset());
  afterAll(async () => {
    await server?.close();
  });
}
