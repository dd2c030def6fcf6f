import { isServiceBusError } from '@azure/service-bus';
import rhea from 'rhea';
import { describe, expect, it } from 'vitest';
import { client, emulator } from './support.js';

const KEY = { name: 'RootManageSharedAccessKey', key: 'c2VjcmV0LWtleS1mb3ItdGVzdHM=' };

/** The same connection string with one part changed. */
const withPart = (connectionString: string, part: string, value: string) =>
  connectionString.replace(new RegExp(`${part}=[^;]*`), `${part}=${value}`);

async function sendError(connectionString: string): Promise<unknown> {
  const em = { connectionString } as Parameters<typeof client>[0];
  return client(em)
    .createSender('orders')
    .sendMessages({ body: 'x' })
    .then(
      () => null,
      (error: unknown) => error,
    );
}

describe('emulator with a shared access key', () => {
  it('serves the real SDK with the key in its connection string', async () => {
    const em = await emulator({ sharedAccessKey: KEY });
    expect(em.connectionString).toContain(`SharedAccessKeyName=${KEY.name};SharedAccessKey=${KEY.key};`);
    const sb = client(em);
    await sb.createSender('orders').sendMessages({ body: 'hello' });
    const [m] = await sb.createReceiver('orders', { receiveMode: 'receiveAndDelete' }).receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(m?.body).toBe('hello');
  });

  it('refuses a wrong key or key name the way Service Bus does (UnauthorizedAccess)', async () => {
    const em = await emulator({ sharedAccessKey: KEY });
    for (const wrong of [withPart(em.connectionString, 'SharedAccessKey', 'd3Jvbmcta2V5'), withPart(em.connectionString, 'SharedAccessKeyName', 'other')]) {
      const error = await sendError(wrong);
      expect(isServiceBusError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'UnauthorizedAccess' });
    }
    expect(em.entityCounts('orders')).toBeUndefined();
  });

  it('refuses a link attached without any token', async () => {
    const em = await emulator({ sharedAccessKey: KEY });
    const connection = rhea.create_container().connect({ host: '127.0.0.1', port: em.port, reconnect: false });
    try {
      const condition = await new Promise<string | undefined>((resolve) => {
        const sender = connection.open_sender('orders');
        sender.on('sender_close', (ctx) => resolve(ctx.sender?.error && (ctx.sender.error as { condition?: string }).condition));
        sender.on('sender_error', (ctx) => resolve((ctx.sender?.error as { condition?: string } | undefined)?.condition));
      });
      expect(condition).toBe('amqp:unauthorized-access');
    } finally {
      connection.close();
    }
  });

  it('without a key takes any credentials, as before', async () => {
    const em = await emulator();
    expect(await sendError(withPart(em.connectionString, 'SharedAccessKey', 'anything'))).toBeNull();
  });

  it('rejects a key it could not put in a connection string', async () => {
    await expect(emulator({ sharedAccessKey: { name: 'local', key: 'a;b' } })).rejects.toThrow(/without ";"/);
  });
});
