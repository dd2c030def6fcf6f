import type { DeliverySummary, FilterKey, Filters } from '../shapes';
import { statusTone, time, verdictLabel } from './format';

const CHIPS: { key: FilterKey; label: string; values: [string, string][] }[] = [
  { key: 'verdict', label: 'Signature', values: [['verified', 'verified'], ['failed', 'failed'], ['unchecked', 'not checked']] },
  { key: 'status', label: 'App answer', values: [['2xx', '2xx'], ['4xx', '4xx'], ['5xx', '5xx'], ['error', 'no answer'], ['none', 'not forwarded']] },
  { key: 'duplicate', label: 'Only', values: [['1', 'duplicates']] },
  { key: 'skipped', label: '', values: [['1', 'skipped']] },
];

function toggle(filters: Filters, key: FilterKey, value: string): Filters {
  const set = new Set((filters[key] ?? '').split(',').filter(Boolean));
  if (set.has(value)) set.delete(value);
  else set.add(value);
  return { ...filters, [key]: [...set].join(',') || undefined };
}

interface FilterProps {
  filters: Filters;
  onChange: (f: Filters) => void;
}

/** Free text over type, event id and body; kept in the URL like the chips (see app.tsx). */
export function SearchBox({ filters, onChange, search }: FilterProps & { search: preact.RefObject<HTMLInputElement | null> }) {
  return (
    <input
      ref={search}
      class="search"
      type="search"
      placeholder="Search type, id, body   /"
      aria-label="search type, id and body"
      value={filters.q ?? ''}
      onInput={(e) => onChange({ ...filters, q: e.currentTarget.value || undefined })}
    />
  );
}

/**
 * The filter chips: several in a group widen it (OR), groups narrow each other (AND). Provider chips are the
 * providers seen so far (and any already chosen), so a long list of schemes does not crowd the bar.
 */
export function FilterBar({ filters, onChange, providers }: FilterProps & { providers: string[] }) {
  const on = (key: FilterKey, value: string) => (filters[key] ?? '').split(',').includes(value);
  const chosen = (filters.provider ?? '').split(',').filter(Boolean);
  const shown = [...new Set([...providers, ...chosen])].sort();
  const groups = [
    ...(shown.length ? [{ key: 'provider' as FilterKey, label: 'Provider', values: shown.map((p) => [p, p] as [string, string]) }] : []),
    ...CHIPS,
  ];
  return (
    <div class="filters" role="group" aria-label="filters">
      <div class="chips">
        {groups.map((g) => (
          <span class="chip-group" role="group" aria-label={g.label || g.values[0]![1]} key={g.key}>
            {g.label && <span class="chip-label">{g.label}</span>}
            {g.values.map(([value, label]) => (
              <button class={on(g.key, value) ? 'chip on' : 'chip'} aria-pressed={on(g.key, value)} onClick={() => onChange(toggle(filters, g.key, value))} key={value}>
                {label}
              </button>
            ))}
          </span>
        ))}
      </div>
    </div>
  );
}

function ForwardCell({ r }: { r: DeliverySummary }) {
  if (!r.forward) return <span class="muted">—</span>;
  const tone = statusTone(r.forward.status, r.forward.ok);
  return (
    <>
      <span class={`badge ${tone}`}>{r.forward.status ?? 'ERR'}</span>
      {r.forward.latencyMs !== null && <span class="muted small"> {r.forward.latencyMs} ms</span>}
    </>
  );
}

/** Newest first; a row is a button so the list works with the keyboard and a screen reader. */
export function DeliveryList({
  rows, selected, compare, onSelect, more, onMore,
}: { rows: DeliverySummary[]; selected: string | null; compare: string[]; onSelect: (id: string) => void; more: boolean; onMore: () => void }) {
  if (rows.length === 0) return <p class="empty">No deliveries yet{more ? '' : ' match'}. Send a webhook to the listener and it appears here.</p>;
  return (
    <div class="list-wrap">
      <ul class="list" aria-label="deliveries">
        {rows.map((r) => (
          <li key={r.id}>
            <button
              class={`row${r.id === selected ? ' selected' : ''}${compare.includes(r.id) ? ' marked' : ''}`}
              aria-current={r.id === selected ? 'true' : undefined}
              data-id={r.id}
              onClick={() => onSelect(r.id)}
            >
              <span class="c-time mono">{time(r.receivedAt)}</span>
              <span class="c-type">
                <strong>{r.type ?? `${r.method} ${r.path}`}</strong>
              </span>
              <span class="c-prov muted small">
                {r.provider ?? 'unknown'}
                {r.eventId && <span class="mono"> · {r.eventId}</span>}
              </span>
              <span class={`c-verdict badge ${r.verdict === 'verified' ? 'ok' : r.verdict === 'failed' ? 'bad' : 'warn'}`}>{verdictLabel[r.verdict]}</span>
              <span class="c-fwd">
                <ForwardCell r={r} />
              </span>
              {(r.duplicate || r.skipped || compare.includes(r.id)) && (
                <span class="c-notes small">
                  {r.duplicate && <span class="badge warn">dup</span>}
                  {r.skipped && <span class="badge">skipped</span>}
                  {compare.includes(r.id) && <span class="badge">compare</span>}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
      {more && (
        <button class="more" onClick={onMore}>
          Load older deliveries
        </button>
      )}
    </div>
  );
}
