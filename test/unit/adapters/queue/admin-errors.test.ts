import { RestError } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import { isDevelopmentEmulator } from '../../../../src/adapters/queue/admin.js';
import { mapAdminError } from '../../../../src/adapters/queue/service-bus-admin.js';

const scope = { namespace: 'contoso.servicebus.windows.net', entity: 'orders', operation: 'list entities' };

describe('mapAdminError', () => {
  it('maps the management API statuses to exit codes: 401/403 → 3, 404 → 2, 429/5xx → 4', () => {
    expect(mapAdminError(new RestError('no', { statusCode: 401, code: 'UnauthorizedRequestError' }), scope)).toMatchObject({
      exitCode: 3,
      message: `Service Bus's management API refused the credentials for "orders" on contoso.servicebus.windows.net (list entities)`,
      hint: expect.stringContaining('Manage'),
    });
    expect(mapAdminError(new RestError('no', { statusCode: 403 }), scope)).toMatchObject({ exitCode: 3 });
    expect(mapAdminError(new RestError('gone', { statusCode: 404, code: 'MessageEntityNotFoundError' }), scope)).toMatchObject({ exitCode: 2 });
    expect(mapAdminError(new RestError('busy', { statusCode: 503 }), scope)).toMatchObject({ exitCode: 4 });
    expect(mapAdminError(new RestError('slow', { statusCode: 429 }), scope)).toMatchObject({ exitCode: 4 });
  });

  it('names the management port when an emulator cannot be reached', () => {
    const refused = new RestError('connect ECONNREFUSED 127.0.0.1:5300', { code: 'REQUEST_SEND_ERROR' });
    expect(mapAdminError(refused, { ...scope, namespace: '127.0.0.1:5300' }, 5300)).toMatchObject({
      exitCode: 4,
      message: "cannot reach the emulator's management API at 127.0.0.1:5300",
      hint: expect.stringContaining('SERVICEBUS_MANAGEMENT_PORT'),
    });
    expect(mapAdminError(refused, scope)).toMatchObject({ exitCode: 4, message: expect.stringContaining('ECONNREFUSED') });
  });
});

describe('isDevelopmentEmulator', () => {
  it('is true only for UseDevelopmentEmulator=true in a connection string', () => {
    expect(isDevelopmentEmulator({ connectionString: 'Endpoint=sb://localhost;SharedAccessKeyName=a;SharedAccessKey=b;UseDevelopmentEmulator=true;' })).toBe(true);
    expect(isDevelopmentEmulator({ connectionString: 'Endpoint=sb://x;usedevelopmentemulator = TRUE' })).toBe(true);
    expect(isDevelopmentEmulator({ connectionString: 'Endpoint=sb://x;UseDevelopmentEmulator=false' })).toBe(false);
    expect(isDevelopmentEmulator({ connectionString: 'Endpoint=sb://x;SharedAccessKey=UseDevelopmentEmulator=true' })).toBe(false);
    expect(isDevelopmentEmulator({ namespace: 'contoso.servicebus.windows.net' })).toBe(false);
  });
});
