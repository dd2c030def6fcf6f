import type { ServiceBusMessage, ServiceBusReceivedMessage } from '@azure/service-bus';
import { amqpTypesOf, toRheaProperties } from './amqp-types.js';
import { DEAD_LETTER_PROPERTIES, encodeBody, encodeProperties, encodeValue } from './message-codec.js';
import type { BodyType, OutgoingMessage, QueueMessage } from './queue.js';

/*
 * Between the SDK's message types and the port's (type-only use of the SDK: nothing is loaded from it here; rhea,
 * which the SDK runs on, carries the AMQP types of application properties, see amqp-types.ts).
 * Received messages are read with skipParsingBodyAsJson and skipConvertingDate, so bytes and timestamps arrive as
 * they were on the wire and the codec can write them losslessly.
 */

/** The SDK's raw-AMQP message type (declared in @azure/core-amqp, reached through the SDK's own types). */
export type AmqpAnnotatedMessage = ServiceBusReceivedMessage['_rawAmqpMessage'];

/** An SDK message in the on-disk shape. */
export function toQueueMessage(m: ServiceBusReceivedMessage): QueueMessage {
  const bodyType: BodyType = m._rawAmqpMessage?.bodyType ?? 'data';
  const body = encodeBody(m.body, bodyType);
  const properties: Record<string, unknown> = { ...(m.applicationProperties ?? {}) };
  for (const key of DEAD_LETTER_PROPERTIES) delete properties[key];
  const text = (v: string | undefined) => v ?? null;
  return {
    messageId: encodeValue(m.messageId ?? null),
    body: body.body,
    ...(body.bodyType ? { bodyType: body.bodyType } : {}),
    contentType: text(m.contentType),
    correlationId: encodeValue(m.correlationId ?? null),
    subject: text(m.subject),
    sessionId: text(m.sessionId),
    replyTo: text(m.replyTo),
    replyToSessionId: text(m.replyToSessionId),
    to: text(m.to),
    partitionKey: text(m.partitionKey),
    timeToLive: m.timeToLive ?? null,
    applicationProperties: encodeProperties(properties, amqpTypesOf(m.applicationProperties)),
    sequenceNumber: m.sequenceNumber === undefined ? null : m.sequenceNumber.toString(),
    enqueuedTimeUtc: m.enqueuedTimeUtc ? m.enqueuedTimeUtc.toISOString() : null,
    deliveryCount: m.deliveryCount ?? null,
    deadLetterReason: text(m.deadLetterReason),
    deadLetterErrorDescription: text(m.deadLetterErrorDescription),
    deadLetterSource: text(m.deadLetterSource),
  };
}

/** An outgoing message as the SDK sends it; non-data bodies go as raw AMQP so their section type is kept. */
export function toSdkMessage(m: OutgoingMessage): ServiceBusMessage | AmqpAnnotatedMessage {
  const props = (m.applicationProperties && toRheaProperties(m.applicationProperties)) as ServiceBusMessage['applicationProperties'];
  if (m.bodyType === 'value' || m.bodyType === 'sequence') {
    const annotated: AmqpAnnotatedMessage = {
      body: m.body,
      bodyType: m.bodyType,
      header: m.timeToLive ? { timeToLive: m.timeToLive } : {},
      properties: {
        messageId: m.messageId as string | undefined,
        correlationId: m.correlationId as string | undefined,
        contentType: m.contentType,
        subject: m.subject,
        groupId: m.sessionId,
        replyTo: m.replyTo,
        replyToGroupId: m.replyToSessionId,
        to: m.to,
      },
    };
    // An empty section would come back as {} where the original had none: leave absent things absent.
    if (props && Object.keys(props).length) annotated.applicationProperties = props;
    if (m.partitionKey) annotated.messageAnnotations = { 'x-opt-partition-key': m.partitionKey };
    return annotated;
  }
  const out: ServiceBusMessage = { body: m.body };
  if (m.messageId !== undefined) out.messageId = m.messageId;
  if (m.correlationId !== undefined) out.correlationId = m.correlationId;
  if (m.contentType !== undefined) out.contentType = m.contentType;
  if (m.subject !== undefined) out.subject = m.subject;
  if (m.sessionId !== undefined) out.sessionId = m.sessionId;
  if (m.replyTo !== undefined) out.replyTo = m.replyTo;
  if (m.replyToSessionId !== undefined) out.replyToSessionId = m.replyToSessionId;
  if (m.to !== undefined) out.to = m.to;
  if (m.partitionKey !== undefined) out.partitionKey = m.partitionKey;
  if (m.timeToLive !== undefined) out.timeToLive = m.timeToLive;
  if (props && Object.keys(props).length) out.applicationProperties = props;
  return out;
}
