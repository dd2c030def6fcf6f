import { describe, expect, it } from 'vitest';
import { entityFileStem, entityPath, parseEntity, parseTarget } from '../../../../src/adapters/queue/entity.js';
import { UsageError } from '../../../../src/core/errors.js';

describe('parseEntity', () => {
  it('reads a queue name', () => {
    expect(parseEntity('orders')).toEqual({ name: 'orders', dlq: false });
    expect(parseEntity('orders', true)).toEqual({ name: 'orders', dlq: true });
  });

  it('reads topic/subscriptions/name with "subscriptions" in any case', () => {
    for (const text of ['events/subscriptions/billing', 'events/Subscriptions/billing', 'events/SUBSCRIPTIONS/billing']) {
      expect(parseEntity(text)).toEqual({ name: 'events', subscription: 'billing', dlq: false });
    }
  });

  it('takes a trailing /$DeadLetterQueue as --dlq', () => {
    expect(parseEntity('orders/$DeadLetterQueue')).toEqual({ name: 'orders', dlq: true });
    expect(parseEntity('events/subscriptions/billing/$deadletterqueue')).toEqual({ name: 'events', subscription: 'billing', dlq: true });
  });

  it('refuses other shapes with a usage error that shows the accepted ones', () => {
    for (const text of ['', 'a/b', 'a/topics/b', 'a/subscriptions/', 'a b', 'a/subscriptions/b/c']) {
      expect(() => parseEntity(text)).toThrow(UsageError);
    }
    expect(() => parseEntity('a/b')).toThrow(/invalid entity "a\/b"/);
  });
});

describe('parseTarget', () => {
  it('accepts queues and topics, refuses subscriptions and dead-letter queues', () => {
    expect(parseTarget('orders')).toBe('orders');
    expect(() => parseTarget('events/subscriptions/billing', '--to')).toThrow(/cannot send to/);
    expect(() => parseTarget('orders/$DeadLetterQueue')).toThrow(UsageError);
  });
});

describe('entityPath / entityFileStem', () => {
  it('writes paths as Azure tools do and file stems without slashes', () => {
    const sub = parseEntity('events/subscriptions/billing', true);
    expect(entityPath(sub)).toBe('events/subscriptions/billing/$DeadLetterQueue');
    expect(entityPath(sub, false)).toBe('events/subscriptions/billing');
    expect(entityFileStem(sub)).toBe('events-subscriptions-billing-dlq');
    expect(entityFileStem(parseEntity('orders'))).toBe('orders');
  });
});

describe('resolveQueueConnection', () => {
  it('prefers the connection string, then the namespace (a short name gets the Azure suffix), else names both', async () => {
    const { resolveQueueConnection, connectionHost } = await import('../../../../src/adapters/queue/index.js');
    const { loadConfig } = await import('../../../../src/core/config.js');
    const cs = 'Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=secret';
    expect(resolveQueueConnection(loadConfig({ SERVICEBUS_CONNECTION_STRING: cs }, { serviceBusNamespace: 'other' }))).toEqual({ connectionString: cs });
    expect(connectionHost({ connectionString: cs })).toBe('contoso.servicebus.windows.net');
    expect(resolveQueueConnection(loadConfig({}, { serviceBusNamespace: 'contoso' }))).toEqual({ namespace: 'contoso.servicebus.windows.net' });
    expect(resolveQueueConnection(loadConfig({}, { serviceBusNamespace: 'sb.example.org' }))).toEqual({ namespace: 'sb.example.org' });
    expect(() => resolveQueueConnection(loadConfig({}, {}))).toThrow(/SERVICEBUS_CONNECTION_STRING is not set and --namespace/);
  });
});
