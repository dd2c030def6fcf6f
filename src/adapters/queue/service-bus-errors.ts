import { AuthError, InterruptedError, SwitchyardError, UnavailableError, UsageError } from '../../core/errors.js';
import { SessionsRequiredError } from './queue.js';

/** What was being done when an error happened, for the message the user reads. */
export interface ErrorScope {
  namespace: string;
  /** The entity path, when there is one. */
  entity?: string;
  /** e.g. "peek", "receive", "send". */
  operation: string;
}

/** Node.js network error codes: the namespace could not be reached. */
const NETWORK_CODES = new Set([
  'ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH',
  'ENETDOWN', 'EPIPE', 'EADDRNOTAVAIL', 'ECONNABORTED', 'ENONET', 'ENETRESET', 'CERT_HAS_EXPIRED',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Service Bus error codes (ServiceBusError.code) that mean "try again later". */
const TRANSIENT_CODES = new Set([
  'ServiceBusy', 'ServiceTimeout', 'ServiceCommunicationProblem', 'QuotaExceeded', 'GeneralError',
  'MessageLockLost', 'SessionLockLost', 'SessionCannotBeLocked',
]);

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  syscall?: string;
  errors?: unknown[];
  cause?: unknown;
}

/** The network error code hidden in an error, its cause, or the parts of an AggregateError (Happy Eyeballs). */
function networkCode(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > 4) return undefined;
  const e = error as ErrorLike;
  if (e.code && NETWORK_CODES.has(e.code)) return e.code;
  const inMessage = /\b(E[A-Z_]{4,}|ERR_TLS_[A-Z_]+|CERT_[A-Z_]+)\b/.exec(e.message ?? '')?.[1];
  if (inMessage && NETWORK_CODES.has(inMessage)) return inMessage;
  for (const inner of e.errors ?? []) {
    const found = networkCode(inner, depth + 1);
    if (found) return found;
  }
  return networkCode(e.cause, depth + 1);
}

/**
 * Maps whatever the Service Bus SDK or @azure/identity threw to switchyard's errors: refused credentials → 3,
 * a missing entity → 2 with a hint, network, timeouts and throttling (after the SDK's own retries) → 4.
 * SwitchyardErrors pass through; programming errors (TypeError …) are rethrown as they are (exit 70).
 */
export function mapServiceBusError(error: unknown, scope: ErrorScope): Error {
  if (error instanceof SwitchyardError) return error;
  const e = (error ?? {}) as ErrorLike;
  const where = scope.entity ? `"${scope.entity}" on ${scope.namespace}` : scope.namespace;
  const message = (e.message ?? String(error)).split('\n')[0]!.slice(0, 300);
  if (e.name === 'AbortError') return new InterruptedError();
  const net = networkCode(error);
  if (net) {
    const hint = net === 'ENOTFOUND' || net === 'EAI_AGAIN'
      ? 'check the namespace host name (Endpoint=sb://<namespace>.servicebus.windows.net/) and DNS'
      : 'check the namespace address, the network and any firewall; retrying later may help';
    return new UnavailableError(`cannot reach Service Bus at ${scope.namespace} (${net})`, { hint, cause: error });
  }
  if (e.name === 'CredentialUnavailableError' || e.name === 'AuthenticationError' || e.name === 'AggregateAuthenticationError') {
    return new AuthError(`no Azure AD credential for ${scope.namespace}: ${message}`, {
      hint: 'sign in with `az login`, set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, or use a connection string',
      cause: error,
    });
  }
  // The SDK's retry throws an AggregateError of every attempt's error once more than one failed (a refused key is
  // tried again, for one): the last attempt says what went wrong.
  if (e.name === 'AggregateError' && Array.isArray(e.errors) && e.errors.length > 0) {
    return mapServiceBusError(e.errors[e.errors.length - 1], scope);
  }
  switch (e.code) {
    case 'UnauthorizedAccess':
      return new AuthError(`Service Bus refused the credentials for ${where} (${scope.operation})`, {
        hint: 'check SharedAccessKeyName/SharedAccessKey, or that the identity has a Service Bus Data role with the needed Send/Listen rights',
        cause: error,
      });
    case 'MessagingEntityNotFound':
      return new UsageError(`Service Bus entity ${where} does not exist`, {
        hint: 'check the name: a queue, or topic/subscriptions/<name> for a subscription (names are not case-sensitive)',
        cause: error,
      });
    case 'MessagingEntityDisabled':
      return new UsageError(`Service Bus entity ${where} is disabled`, {
        hint: 'enable it (portal or az servicebus queue update --status Active) and run again',
        cause: error,
      });
    case 'MessageSizeExceeded':
      return new UsageError(`a message is too large for ${where}`, { hint: 'the link limits message size; shrink the body', cause: error });
  }
  if (/does not require sessions/i.test(message)) {
    return new UsageError(`${where} does not require sessions: it has no session to ${scope.operation}`, {
      hint: 'leave out --session (sessions exist only on queues and subscriptions created with requiresSession)',
      cause: error,
    });
  }
  // Peeking or receiving from a topic is a usage mistake, not an outage: only its subscriptions hold messages.
  if (scope.operation !== 'send' && /\btopic\b/i.test(message) && /InvalidOperation|not.allowed|subscription/i.test(message)) {
    const topic = (scope.entity ?? '').split('/')[0] || '<topic>';
    return new UsageError(`"${topic}" is a topic, and ${scope.operation} reads a queue or a subscription`, {
      hint: `name one of its subscriptions: ${topic}/subscriptions/<name>`,
      cause: error,
    });
  }
  if (/SessionId was not set|requires sessions|sessionful|session-enabled/i.test(message)) {
    if (scope.operation === 'send') {
      return new SessionsRequiredError(`${where} requires sessions: every message needs a sessionId`, {
        hint: 'set "sessionId" on each line of the file, or pass --session-id with --body',
        cause: error,
      });
    }
    return new SessionsRequiredError(`${where} requires sessions: a plain receiver cannot ${scope.operation} from it`, {
      hint: 'receive one session with --session <id>; drain and purge visit every session by themselves',
      cause: error,
    });
  }
  if (e.code === 'SessionCannotBeLocked') {
    return new UnavailableError(`cannot ${scope.operation} on ${where}: it is locked by another receiver`, {
      hint: 'wait until that consumer lets it go (or its session lock expires) and run again; if the entity does not require sessions, leave out --session',
      cause: error,
    });
  }
  if (e.name === 'ServiceBusError' || e.name === 'MessagingError' || (e.code && TRANSIENT_CODES.has(e.code))) {
    return new UnavailableError(`Service Bus ${scope.operation} on ${where} failed: ${message}`, {
      hint: e.code === 'ServiceBusy' || e.code === 'QuotaExceeded'
        ? 'the namespace is throttling or full; retry later'
        : 'retrying later may help; --verbose shows the cause',
      cause: error,
    });
  }
  // rhea-promise reports a connection that closed during the handshake (wrong port, TLS to a plain listener,
  // a proxy cutting in) as a plain Error.
  if (/failed to connect|connection (was )?(closed|lost|reset)|socket hang up|disconnected/i.test(message)) {
    return new UnavailableError(`cannot connect to Service Bus at ${scope.namespace}: ${message}`, {
      hint: 'check the namespace address and port, and that it speaks AMQP over TLS (or set UseDevelopmentEmulator=true for a local emulator)',
      cause: error,
    });
  }
  if (e.name === 'OperationTimeoutError' || e.name === 'TimeoutError' || /timed? ?out/i.test(message)) {
    return new UnavailableError(`Service Bus ${scope.operation} on ${where} timed out`, {
      hint: 'the namespace did not answer in time; check the network and retry later',
      cause: error,
    });
  }
  return error instanceof Error ? error : new Error(message);
}
