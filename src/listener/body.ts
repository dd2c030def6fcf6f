import type { IncomingMessage } from 'node:http';

/** The request was larger than --max-body. */
export const TOO_LARGE = Symbol('too-large');

/**
 * Reads the raw body, byte for byte, up to `maxBytes`, and calls back once: with the body, with TOO_LARGE as soon as
 * the limit is passed (it stops keeping data; the caller answers 413), or with the error of an aborted upload.
 * Callback-based on purpose: this runs for every request, and a promise per body measurably slows the listener.
 */
export function readBody(
  req: IncomingMessage,
  maxBytes: number,
  callback: (error: Error | null, body?: Buffer | typeof TOO_LARGE) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (error: Error | null, body?: Buffer | typeof TOO_LARGE) => {
    if (finished) return;
    finished = true;
    callback(error, body);
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) {
      req.off('data', onData);
      chunks.length = 0;
      finish(null, TOO_LARGE);
      return;
    }
    chunks.push(chunk);
  };
  req.on('data', onData);
  req.on('end', () => finish(null, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
  // An upload cut off half-way ends in 'error' (ECONNRESET "aborted"); the listener stays attached after the
  // callback ran, so a late reset can never become an uncaught 'error'.
  req.on('error', (error) => finish(error.message === 'aborted' ? new Error('upload aborted by the client') : error));
}
