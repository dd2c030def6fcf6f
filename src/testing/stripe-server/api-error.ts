/** An error answer of the fake API, always sent as `{"error": {...}}` (the SDK takes any other body as success). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.message ?? `HTTP ${status}`));
  }
}

/** 400 invalid_request_error, optionally naming the parameter and a code, like the real API's validation errors. */
export function invalidRequest(message: string, param?: string, code?: string): ApiError {
  return new ApiError(400, {
    type: 'invalid_request_error',
    message,
    ...(param && { param }),
    ...(code && { code, doc_url: `https://docs.stripe.com/error-codes/${code.replace(/_/g, '-')}` }),
  });
}

/** resource_missing: "No such payment_intent: 'pi_123'" (404 for the path's object, 400 for a parameter's). */
export function missing(kind: string, id: string, param: string, status = 404): ApiError {
  return new ApiError(status, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    message: `No such ${kind}: '${id}'`,
    param,
    doc_url: 'https://docs.stripe.com/error-codes/resource-missing',
  });
}
