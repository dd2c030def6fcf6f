import { connect, createServer } from 'node:net';
import { ServiceBusError } from '@azure/service-bus';
import { describe, expect, it } from 'vitest';
import { mapServiceBusError } from '../../../../src/adapters/queue/service-bus-errors.js';
import { SessionsRequiredError } from '../../../../src/adapters/queue/queue.js';
import { AuthError, InterruptedError, UnavailableError, UsageError } from '../../../../src/core/errors.js';

const scope = { namespace: 'contoso.servicebus.windows.net', entity: 'orders', operation: 'receive' };

/** A real ECONNREFUSED from the kernel: a port that was just closed. */
async function refusedError(): Promise<Error> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return new Promise((resolve) => connect(port, '127.0.0.1').on('error', resolve));
}

describe('mapServiceBusError', () => {
  it('maps refused credentials to AuthError (exit 3) with a hint about keys and roles', () => {
    const mapped = mapServiceBusError(new ServiceBusError('Unauthorized access', 'UnauthorizedAccess'), scope);
    expect(mapped).toBeInstanceOf(AuthError);
    expect((mapped as AuthError).exitCode).toBe(3);
    expect((mapped as AuthError).hint).toMatch(/SharedAccessKey/);
  });

  it('looks inside the AggregateError the SDK throws after several failed attempts', () => {
    const attempts = [new ServiceBusError('Unauthorized access', 'UnauthorizedAccess'), new ServiceBusError('Unauthorized access', 'UnauthorizedAccess')];
    expect(mapServiceBusError(new AggregateError(attempts), scope)).toBeInstanceOf(AuthError);
    const gone = new AggregateError([new ServiceBusError('busy', 'ServiceBusy'), new ServiceBusError('missing', 'MessagingEntityNotFound')]);
    expect(mapServiceBusError(gone, scope)).toBeInstanceOf(UsageError);
  });

  it('maps a missing entity to a usage error (exit 2) naming the entity', () => {
    const mapped = mapServiceBusError(new ServiceBusError('The messaging entity could not be found', 'MessagingEntityNotFound'), scope);
    expect(mapped).toBeInstanceOf(UsageError);
    expect(mapped.message).toContain('"orders"');
    expect((mapped as UsageError).hint).toMatch(/topic\/subscriptions/);
  });

  it('maps throttling and timeouts after the SDK retries to UnavailableError (exit 4)', () => {
    for (const code of ['ServiceBusy', 'ServiceTimeout', 'ServiceCommunicationProblem', 'QuotaExceeded'] as const) {
      expect(mapServiceBusError(new ServiceBusError('busy', code), scope)).toBeInstanceOf(UnavailableError);
    }
  });

  it('maps a refused connection, bare or wrapped as the SDK and Happy Eyeballs wrap it, to UnavailableError', async () => {
    const refused = await refusedError();
    for (const error of [refused, new ServiceBusError(`ECONNREFUSED: ${refused.message}`, 'GeneralError'), new AggregateError([refused], 'all failed')]) {
      const mapped = mapServiceBusError(error, scope);
      expect(mapped).toBeInstanceOf(UnavailableError);
      expect(mapped.message).toContain('cannot reach Service Bus at contoso.servicebus.windows.net (ECONNREFUSED)');
    }
  });

  it('maps a connection closed during the handshake (rhea-promise "Failed to connect") to UnavailableError', () => {
    const mapped = mapServiceBusError(new Error('Failed to connect'), scope) as UnavailableError;
    expect(mapped).toBeInstanceOf(UnavailableError);
    expect(mapped.hint).toMatch(/UseDevelopmentEmulator/);
  });

  it('says that a session-enabled entity needs a session receiver (usage, not a retryable failure; the commands adapt)', () => {
    const error = new ServiceBusError('It is not possible for an entity that requires sessions to create a non-sessionful message receiver.', 'GeneralError');
    const mapped = mapServiceBusError(error, scope) as UsageError;
    expect(mapped).toBeInstanceOf(SessionsRequiredError);
    expect(mapped.hint).toMatch(/--session <id>/);
    const other = new ServiceBusError('It is not possible for an entity that does not require sessions to create a sessionful message receiver.', 'GeneralError');
    const wrong = mapServiceBusError(other, scope) as UsageError;
    expect(wrong).toBeInstanceOf(UsageError);
    expect(wrong).not.toBeInstanceOf(SessionsRequiredError);
    expect(wrong.message).toMatch(/does not require sessions/);
    const send = new ServiceBusError('The SessionId was not set on a message, and it cannot be sent to the entity.', 'GeneralError');
    expect((mapServiceBusError(send, { ...scope, operation: 'send' }) as UsageError).hint).toMatch(/--session-id/);
  });

  it('points at the host name when DNS does not know the namespace', () => {
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND nope.servicebus.windows.net'), { code: 'ENOTFOUND', syscall: 'getaddrinfo' });
    const mapped = mapServiceBusError(dns, scope) as UnavailableError;
    expect(mapped).toBeInstanceOf(UnavailableError);
    expect(mapped.hint).toMatch(/host name/);
  });

  it('maps missing Azure AD credentials to AuthError with sign-in hints', () => {
    const error = Object.assign(new Error('DefaultAzureCredential failed'), { name: 'CredentialUnavailableError' });
    expect((mapServiceBusError(error, scope) as AuthError).hint).toMatch(/az login/);
  });

  it('turns an aborted operation into InterruptedError and leaves programming errors alone', () => {
    expect(mapServiceBusError(Object.assign(new Error('aborted'), { name: 'AbortError' }), scope)).toBeInstanceOf(InterruptedError);
    const bug = new TypeError('x is not a function');
    expect(mapServiceBusError(bug, scope)).toBe(bug);
  });
});
