import { verdictOf, type Delivery } from './delivery.js';
import { FILTER_KEYS, type Filters } from './shapes.js';

/** A compiled filter: the chips and the search text of the page, or the API's query parameters. */
export type Matcher = (d: Delivery) => boolean;

export function filtersFrom(params: URLSearchParams): Filters {
  const out: Filters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key)?.trim();
    if (value) out[key] = value;
  }
  return out;
}

const list = (value: string | undefined) => (value ? new Set(value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)) : null);

function statusClass(d: Delivery): string {
  const last = d.attempts[d.attempts.length - 1];
  if (!last) return 'none';
  if (last.status === null) return 'error';
  return `${Math.floor(last.status / 100)}xx`;
}

/**
 * provider=stripe,github · verdict=verified|failed|unchecked · duplicate=1 · skipped=1 ·
 * status=2xx,4xx,5xx,error,none (the latest forward's answer) · q=text (type, event id and body, any case).
 */
export function compileFilters(filters: Filters): Matcher {
  const providers = list(filters.provider);
  const verdicts = list(filters.verdict);
  const statuses = list(filters.status);
  const q = filters.q?.toLowerCase();
  const flag = (v: string | undefined) => (v === undefined ? null : v === '1' || v === 'true');
  const duplicate = flag(filters.duplicate);
  const skipped = flag(filters.skipped);
  return (d) => {
    const { ev } = d;
    if (providers && !providers.has(ev.provider ?? 'unknown')) return false;
    if (verdicts && !verdicts.has(verdictOf(d))) return false;
    if (duplicate !== null && ev.duplicate !== duplicate) return false;
    if (skipped !== null && ev.skipped !== skipped) return false;
    if (statuses && !statuses.has(statusClass(d))) return false;
    if (q) {
      if (ev.type?.toLowerCase().includes(q) || ev.id?.toLowerCase().includes(q)) return true;
      return ev.body.toString('utf8').toLowerCase().includes(q);
    }
    return true;
  };
}
