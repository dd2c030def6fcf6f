/**
 * The Stripe-compatible test server. It lives in src/testing/ so that it is compiled into dist/ too: the bench
 * (plain JS) and `switchyard demo` start the very same server the tests use.
 */
export * from '../../src/testing/stripe-server/index.js';
