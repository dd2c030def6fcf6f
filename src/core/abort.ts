/**
 * Runs `fn` with a signal that follows `parent` for this one call only. The Service Bus SDK adds an abort listener
 * per receive and never removes it, so handing it a long-lived signal (a command's ctx.signal) piles listeners onto
 * it until Node warns of a leak; a child signal per call is dropped with its listeners when the call ends.
 */
export async function withCallSignal<T>(parent: AbortSignal | undefined, fn: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  if (!parent) return fn(undefined);
  const child = new AbortController();
  const forward = () => child.abort(parent.reason);
  if (parent.aborted) forward();
  else parent.addEventListener('abort', forward, { once: true });
  try {
    return await fn(child.signal);
  } finally {
    parent.removeEventListener('abort', forward);
  }
}
