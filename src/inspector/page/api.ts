import type { ConfigJson, DeliveryDetail, Filters, ListJson, ReplayRequestJson } from '../shapes';
import { FILTER_KEYS } from '../shapes';

/** The run's token, for the Authorization header that state changes need (the cookie alone never suffices). */
const token = document.querySelector<HTMLMetaElement>('meta[name="switchyard-token"]')?.content ?? '';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function check(r: Response): Promise<Response> {
  if (r.ok) return r;
  let message = `HTTP ${r.status}`;
  try {
    message = ((await r.json()) as { error?: { message?: string } }).error?.message ?? message;
  } catch {
    /* not JSON */
  }
  throw new ApiError(r.status, message);
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await check(await fetch(path, { credentials: 'same-origin' }))).json()) as T;
}

export async function getText(path: string): Promise<string> {
  return (await check(await fetch(path, { credentials: 'same-origin' }))).text();
}

async function change(method: 'POST' | 'DELETE', path: string, body: unknown = {}): Promise<Response> {
  return check(
    await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}

export const filterQuery = (filters: Filters): URLSearchParams => {
  const q = new URLSearchParams();
  for (const key of FILTER_KEYS) if (filters[key]) q.set(key, filters[key]!);
  return q;
};

export const api = {
  config: () => getJson<ConfigJson>('/api/config'),
  list: (filters: Filters, before?: string) => {
    const q = filterQuery(filters);
    q.set('limit', '200');
    if (before) q.set('before', before);
    return getJson<ListJson>(`/api/requests/http?${q}`);
  },
  get: (id: string) => getJson<DeliveryDetail>(`/api/requests/http/${encodeURIComponent(id)}`),
  curl: (id: string) => getText(`/api/requests/http/${encodeURIComponent(id)}/curl`),
  fixtureUrl: (id: string) => `/api/requests/http/${encodeURIComponent(id)}/fixture`,
  replay: async (id: string, body: ReplayRequestJson) =>
    (await (await change('POST', `/api/requests/http/${encodeURIComponent(id)}/replay`, body)).json()) as DeliveryDetail,
  remove: (id: string) => change('DELETE', `/api/requests/http/${encodeURIComponent(id)}`),
};
