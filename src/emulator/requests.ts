import rhea from 'rhea';
import type { ManagementResponse } from './management.js';

/** A request on $cbs or $management, as rhea decodes it. */
export interface Request {
  message_id?: unknown;
  reply_to?: string;
  application_properties?: Record<string, unknown>;
  body?: unknown;
}

/** Decodes a request; undefined when the bytes are not an AMQP message. */
export function decodeRequest(payload: Buffer): Request | undefined {
  try {
    return rhea.message.decode(payload) as Request;
  } catch {
    return undefined;
  }
}

/** CBS put-token: SAS and Azure AD tokens are accepted as they are (the emulator checks no credentials). */
export const CBS_ACCEPTED: ManagementResponse = { status: 202, description: 'Accepted' };

/**
 * The response message: correlated to the request's message-id (rhea keeps its AMQP type, as uamqp clients
 * require), the status as an AMQP int. CBS replies use `status-code`; $management replies use camelCase
 * `statusCode`, which the SDK's peek compares with 204 literally.
 */
export function responseMessage(request: Request, response: ManagementResponse, style: 'cbs' | 'management'): object {
  const cbs = style === 'cbs';
  const application_properties: Record<string, unknown> = {
    [cbs ? 'status-code' : 'statusCode']: rhea.types.wrap_int(response.status),
    [cbs ? 'status-description' : 'statusDescription']: response.description ?? '',
  };
  if (response.condition) {
    const condition = rhea.types.wrap_symbol(response.condition);
    application_properties['error-condition'] = condition;
    // The .NET, Java and Python SDKs read a $management error under the camelCase name, as Service Bus sends it.
    if (!cbs) application_properties.errorCondition = condition;
  }
  return { correlation_id: request.message_id, application_properties, body: response.body };
}
