import { ApiError } from './api-error.js';

/** A response worth replaying: what the endpoint answered the first time a key was used. */
export interface SavedResponse {
  status: number;
  body: string;
  requestId: string;
}

interface Entry extends SavedResponse {
  method: string;
  path: string;
  params: string;
}

/**
 * Idempotency as Stripe does it, per account (API key) and key: the same key with the same method, path and
 * parameters replays the saved answer; with anything else it is a 400 idempotency_error. Only answers from an
 * endpoint that started executing are saved (successes and card declines), not validation errors, 401s or the
 * scripted faults, so a retry after those runs for real.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  /** The saved answer for this key, undefined when the key is new; throws when it was used for another request. */
  lookup(account: string, key: string, method: string, path: string, params: string): SavedResponse | undefined {
    const entry = this.entries.get(`${account}\n${key}`);
    if (!entry) return undefined;
    if (entry.method !== method || entry.path !== path || entry.params !== params) {
      throw new ApiError(400, {
        type: 'idempotency_error',
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      });
    }
    return entry;
  }

  save(account: string, key: string, method: string, path: string, params: string, response: SavedResponse): void {
    this.entries.set(`${account}\n${key}`, { method, path, params, ...response });
  }

  /** Whether an answer with this status is kept for replay. */
  static keeps(status: number): boolean {
    return status < 400 || status === 402;
  }

  clear(): void {
    this.entries.clear();
  }
}
