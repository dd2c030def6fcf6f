/** One HTTP request as a sink sends it: exact body bytes and headers, nothing added but content-length. */
export interface HttpRequest {
  url: string;
  /** Defaults to POST. */
  method?: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: Buffer;
  /** A deadline for the whole exchange, not an idle timeout: a target that trickles bytes still times out. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** The answer, whatever its status: a 500 is an answer, not an exception. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The response body, cut at the sink's limit (it is shown to a human, not processed). */
  body: Buffer;
  latencyMs: number;
}

/** Why no answer came: the target refused, reset, timed out, or we gave up (aborted). */
export type HttpFailureKind = 'network' | 'timeout' | 'aborted';

/** The request got no HTTP answer at all. */
export class HttpFailure extends Error {
  constructor(
    message: string,
    readonly kind: HttpFailureKind,
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpFailure';
  }
}

/**
 * The HTTP sink port: where the listener forwards and replay/trigger send. One implementation on node:http;
 * tests point it at real local servers.
 */
export interface HttpSinkPort {
  send(request: HttpRequest): Promise<HttpResponse>;
  /** Closes pooled keep-alive sockets. */
  close(): void;
}
