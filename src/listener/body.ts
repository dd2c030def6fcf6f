import type { IncomingMessage } from 'node:http';

/** The request was larger than --max-body. */
export const TOO_LARGE = Symbol('too-large');

/**
 * Reads the raw body, byte for byte, up to `maxBytes`. Past the limit it stops keeping data and resolves
 * TOO_LARGE at once (the caller answers 413); an aborted upload rejects, and the caller just drops the request.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | typeof TOO_LARGE> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        chunks.length = 0;
        // Keep an error listener: a reset after we stopped listening must not become an uncaught 'error'.
        req.on('error', () => {});
        resolve(TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      req.on('error', () => {});
      reject(error);
    };
    const onClose = () => {
      if (!req.complete) onError(new Error('upload aborted by the client'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
