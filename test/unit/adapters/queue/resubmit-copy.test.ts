import { describe, expect, it } from 'vitest';
import type { QueueMessage } from '../../../../src/adapters/queue/queue.js';
import { matcher, propertyText } from '../../../../src/commands/queue/resubmit-filter.js';
import { RESUBMIT_COUNT, copyOf } from '../../../../src/commands/queue/run-resubmit.js';
import { UsageError } from '../../../../src/core/errors.js';

function deadLetter(over: Partial<QueueMessage> = {}): QueueMessage {
  return {
    messageId: 'm-1', body: { order: 42 }, contentType: 'application/json', correlationId: 'c-1', subject: 'order.created',
    sessionId: 's-1', replyTo: null, replyToSessionId: null, to: null, partitionKey: null, timeToLive: null,
    applicationProperties: { tenant: 'eu', attempt: 3, urgent: true, at: { $date: '2026-11-22T19:00:00.000Z' } },
    sequenceNumber: '17', enqueuedTimeUtc: '2026-11-22T19:00:00.000Z', deliveryCount: 10,
    deadLetterReason: 'MaxDeliveryCountExceeded', deadLetterErrorDescription: 'gave up', deadLetterSource: null,
    ...over,
  };
}

describe('copyOf', () => {
  it('keeps the sender fields and properties, drops dead-letter fields and counts the resubmission', () => {
    const copy = copyOf(deadLetter());
    expect(copy).toEqual({
      body: { order: 42 }, messageId: 'm-1', correlationId: 'c-1', contentType: 'application/json', subject: 'order.created', sessionId: 's-1',
      applicationProperties: { tenant: 'eu', attempt: 3, urgent: true, at: new Date('2026-11-22T19:00:00.000Z'), [RESUBMIT_COUNT]: 1 },
    });
  });

  it('counts on from an earlier resubmission', () => {
    const copy = copyOf(deadLetter({ applicationProperties: { [RESUBMIT_COUNT]: 2 } }));
    expect(copy.applicationProperties?.[RESUBMIT_COUNT]).toBe(3);
    // Written by a .NET or Java client as an AMQP int, drained as a typed value.
    const typed = copyOf(deadLetter({ applicationProperties: { [RESUBMIT_COUNT]: { $int: 4 } } }));
    expect(typed.applicationProperties?.[RESUBMIT_COUNT]).toBe(5);
  });
});

describe('matcher', () => {
  it('takes everything without filters', () => {
    expect(matcher({})(deadLetter())).toBe(true);
  });

  it('matches --reason as a case-insensitive regular expression on the dead-letter reason', () => {
    expect(matcher({ reason: 'maxdelivery' })(deadLetter())).toBe(true);
    expect(matcher({ reason: '^TTL' })(deadLetter())).toBe(false);
    expect(matcher({ reason: 'x' })(deadLetter({ deadLetterReason: null }))).toBe(false);
  });

  it('matches --where on application properties of any type, compared as text, all of them', () => {
    expect(matcher({ where: [['tenant', 'eu'], ['attempt', '3'], ['urgent', 'true']] })(deadLetter())).toBe(true);
    expect(matcher({ where: [['at', '2026-11-22T19:00:00.000Z']] })(deadLetter())).toBe(true);
    expect(matcher({ where: [['tenant', 'us']] })(deadLetter())).toBe(false);
    expect(matcher({ where: [['missing', '']] })(deadLetter())).toBe(false);
  });

  it('refuses an invalid regular expression before anything happens', () => {
    expect(() => matcher({ reason: '(' })).toThrow(UsageError);
  });

  it('renders property values as --where compares them', () => {
    expect(propertyText(null)).toBe('null');
    expect(propertyText(1.5)).toBe('1.5');
    expect(propertyText({ $binary: 'AQI=' })).toBe('AQI=');
    expect(propertyText({ $int: 5 })).toBe('5');
    expect(propertyText({ $uuid: '0f8fad5b-d9cb-469f-a165-70867728950e' })).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
  });
});
