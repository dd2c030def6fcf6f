import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { AttemptJson, ConfigJson, DeliveryDetail, Filters } from '../shapes';
import { FILTER_KEYS } from '../shapes';
import { api, ApiError, filterQuery } from './api';
import { Detail } from './detail';
import { DeliveryDiff, TextDiff } from './diff';
import { CurlDialog, EditDialog } from './dialogs';
import { DeliveryList, FilterBar, SearchBox } from './list';
import { useLiveList } from './live';

type View = { kind: 'detail' } | { kind: 'diff'; a: DeliveryDetail; b: DeliveryDetail } | { kind: 'answer'; d: DeliveryDetail; attempt: AttemptJson };

function readUrl(): { filters: Filters; id: string | null } {
  const q = new URLSearchParams(location.search);
  const filters: Filters = {};
  for (const key of FILTER_KEYS) if (q.get(key)) filters[key] = q.get(key)!;
  return { filters, id: q.get('id') };
}

/** Filters, search and the selected delivery live in the address, so a view can be shared as a link. */
function writeUrl(filters: Filters, id: string | null): void {
  const q = filterQuery(filters);
  if (id) q.set('id', id);
  const s = q.toString();
  history.replaceState(null, '', s ? `/?${s}` : '/');
}

const typing = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));

export function App() {
  const initial = useRef(readUrl()).current;
  const [config, setConfig] = useState<ConfigJson | null>(null);
  const [filters, setFilters] = useState<Filters>(initial.filters);
  const [selected, setSelectedState] = useState<string | null>(initial.id);
  const [detail, setDetail] = useState<DeliveryDetail | null>(null);
  const [paused, setPaused] = useState(false);
  const [compare, setCompareState] = useState<string[]>([]);
  const [view, setView] = useState<View>({ kind: 'detail' });
  const [dialog, setDialog] = useState<{ kind: 'curl'; command: string } | { kind: 'edit' } | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const search = useRef<HTMLInputElement>(null);
  // Keys and stream events can come faster than renders: they read and write the state as it is now, through this.
  const live = useRef({ paused, selected, compare });
  live.current.paused = paused;
  const setSelected = (id: string | null) => {
    live.current.selected = id;
    setSelectedState(id);
  };
  const setCompare = (ids: string[]) => {
    live.current.compare = ids;
    setCompareState(ids);
  };
  const refreshDetail = useCallback((id: string | null) => {
    if (!id) return setDetail(null);
    api.get(id).then(setDetail, () => setDetail(null));
  }, []);
  const { rows, setRows, next, setNext, pending, setPending, conn, setConn, flooded, reload } = useLiveList(filters, live, refreshDetail, () =>
    void api.config().then(setConfig, () => {}),
  );

  useEffect(() => {
    api.config().then(setConfig, (e: ApiError) => e.status === 403 && setConn('unauthorized'));
  }, []);
  useEffect(() => writeUrl(filters, selected), [filters, selected]);
  useEffect(() => {
    if (!status) return;
    const t = window.setTimeout(() => setStatus(''), 8000);
    return () => clearTimeout(t);
  }, [status]);

  useEffect(() => refreshDetail(selected), [selected, refreshDetail]);

  const resume = () => {
    setPaused(false);
    // Rows that came in a flood were counted, not held: the list is loaded afresh.
    if (flooded) return reload();
    setRows((rs) => [...pending.filter((p) => !rs.some((r) => r.id === p.id)), ...rs]);
    setPending([]);
  };

  const replay = async (mode: 'original' | 'resigned') => {
    // The selected delivery, not the detail on screen: right after j/k the detail may still be the previous one.
    const id = live.current.selected ?? detail?.id;
    if (!id || busy) return;
    setBusy(true);
    try {
      const d = await api.replay(id, { mode });
      setDetail(d);
      const a = d.timeline[d.timeline.length - 1]!;
      setStatus(`Replayed #${d.id}: ${a.status ?? a.error} ${a.latencyMs !== null ? `in ${a.latencyMs} ms` : ''}`);
    } catch (e) {
      setStatus(`Replay failed: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  const toggleCompare = async (id: string) => {
    const now = live.current.compare;
    const marks = now.includes(id) ? now.filter((c) => c !== id) : [...now, id].slice(-2);
    setCompare(marks);
    if (marks.length === 2) {
      const [a, b] = await Promise.all(marks.map((m) => api.get(m)));
      const [older, newer] = a!.receivedAt <= b!.receivedAt ? [a!, b!] : [b!, a!];
      setView({ kind: 'diff', a: older, b: newer });
      setCompare([]);
      setStatus('');
    } else if (marks.length === 1) setStatus(`#${id} marked: pick another delivery and press d (or Compare…) to see the diff.`);
  };

  const rowsNow = useRef(rows);
  rowsNow.current = rows;
  const move = (step: number) => {
    const list = rowsNow.current;
    const i = list.findIndex((r) => r.id === live.current.selected);
    const to = list[Math.min(Math.max(i + step, 0), list.length - 1)];
    if (!to) return;
    setSelected(to.id);
    setView({ kind: 'detail' });
    requestAnimationFrame(() => document.querySelector(`[data-id="${CSS.escape(to.id)}"]`)?.scrollIntoView({ block: 'nearest' }));
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || document.querySelector('dialog[open]')) return;
      if (e.key === 'j') move(1);
      else if (e.key === 'k') move(-1);
      else if (e.key === 'r') void replay('original');
      else if (e.key === 'd' && live.current.selected) void toggleCompare(live.current.selected);
      else if (e.key === '/') {
        e.preventDefault();
        search.current?.focus();
      } else if (e.key === 'Escape') setView({ kind: 'detail' });
      else return;
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  const more = async () => {
    if (!next) return;
    const list = await api.list(filters, next);
    setRows((rs) => [...rs, ...list.requests.filter((r) => !rs.some((x) => x.id === r.id))]);
    setNext(list.next);
  };

  if (conn === 'unauthorized') {
    return (
      <main class="unauth">
        <h1>switchyard inspector</h1>
        <p>This page’s token is no longer valid: the listener was restarted with a new one. Open the link it printed.</p>
      </main>
    );
  }
  const connLabel = { connecting: 'connecting…', live: paused ? 'paused' : 'live', reconnecting: 'reconnecting…', unauthorized: '' }[conn];
  return (
    <div class={`app${selected ? ' has-selection' : ''}`}>
      <header class="top">
        <h1>
          switchyard <span class="muted">inspector</span>
        </h1>
        <span class={`conn ${conn}${paused ? ' paused' : ''}`} role="status" aria-live="polite" data-conn={conn}>
          {connLabel}
        </span>
        <button onClick={() => (paused ? resume() : setPaused(true))} aria-pressed={paused}>
          {paused ? `Follow${pending.length + flooded ? ` (${pending.length + flooded} new)` : ''}` : 'Pause'}
        </button>
        <SearchBox filters={filters} onChange={setFilters} search={search} />
        <span class="muted small grow" title={config?.listenerUrl ?? config?.recordDir ?? ''}>
          {config?.mode === 'record' ? `recordings in ${config.recordDir}` : config?.listenerUrl ? `listening on ${config.listenerUrl}` : ''}
          {config && config.targets.length ? ` · replays to ${config.targets.join(', ')}` : ''}
        </span>
      </header>
      <FilterBar filters={filters} onChange={setFilters} providers={[...new Set(rows.map((r) => r.provider ?? 'unknown'))]} />
      <p class="sr status-line" role="status" aria-live="polite">
        {status}
      </p>
      <main class="split">
        <nav class="pane list-pane" aria-label="deliveries">
          <DeliveryList
            rows={rows}
            selected={selected}
            compare={compare}
            onSelect={(id) => {
              setSelected(id);
              setView({ kind: 'detail' });
            }}
            more={next !== null}
            onMore={more}
          />
        </nav>
        <div class="pane detail-pane">
          {selected && (
            <button class="back" onClick={() => setSelected(null)}>
              ← All deliveries
            </button>
          )}
          {status && <p class="toast">{status}</p>}
          {view.kind === 'diff' && <DeliveryDiff a={view.a} b={view.b} onClose={() => setView({ kind: 'detail' })} />}
          {view.kind === 'answer' && (
            <section class="panel" aria-labelledby="answer-title">
              <header class="panel-head">
                <h2 id="answer-title">
                  Answer to replay {view.attempt.n} vs the first answer (#{view.d.id})
                </h2>
                <button onClick={() => setView({ kind: 'detail' })}>Close diff</button>
              </header>
              <TextDiff a={view.d.timeline[0]?.responseBody ?? ''} b={view.attempt.responseBody ?? ''} />
            </section>
          )}
          {view.kind === 'detail' && detail && config && (
            <Detail
              d={detail}
              config={config}
              busy={busy}
              actions={{
                replay: (m) => void replay(m),
                edit: () => setDialog({ kind: 'edit' }),
                curl: () => void api.curl(detail.id).then((command) => setDialog({ kind: 'curl', command: command.trimEnd() })),
                compare: () => void toggleCompare(detail.id),
                remove: () => void api.remove(detail.id).then(() => setSelected(null)),
                answerDiff: (attempt) => setView({ kind: 'answer', d: detail, attempt }),
              }}
            />
          )}
          {view.kind === 'detail' && !detail && (
            <div class="hint">
              <p>Select a delivery to see its timeline, bytes and headers.</p>
              <p class="small muted">
                Keys: <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>r</kbd> replay, <kbd>d</kbd> mark for diff, <kbd>/</kbd> search, <kbd>Esc</kbd> close.
              </p>
            </div>
          )}
        </div>
      </main>
      {dialog?.kind === 'curl' && <CurlDialog command={dialog.command} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'edit' && detail && config && (
        <EditDialog
          d={detail}
          config={config}
          onClose={() => setDialog(null)}
          onSend={async (body, headers, target) => {
            const d = await api.replay(detail.id, { mode: 'edited', body, headers, target });
            setDetail(d);
            setDialog(null);
            const a = d.timeline[d.timeline.length - 1]!;
            setStatus(`Replayed edited #${d.id}: ${a.status ?? a.error}`);
          }}
        />
      )}
    </div>
  );
}
