import { useEffect, useRef, useState } from 'preact/hooks';
import type { DeliverySummary, Filters } from '../shapes';
import { api, ApiError, filterQuery } from './api';

/** Rows the page holds at most; older ones are a "Load older" away. */
const MAX_ROWS = 500;
/** After a flood, the list is reloaded at most this often. */
const FLOOD_RELOAD_MS = 1000;

export type Conn = 'connecting' | 'live' | 'reconnecting' | 'unauthorized';

/**
 * The list for these filters, then the event stream from exactly where the list stands: new rows on top (or
 * held while paused), updated rows in place, a reload when the server says the stream cannot be resumed.
 */
export function useLiveList(
  filters: Filters,
  live: { current: { paused: boolean; selected: string | null } },
  refreshDetail: (id: string) => void,
  onReset: () => void,
) {
  const [rows, setRows] = useState<DeliverySummary[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [pending, setPending] = useState<DeliverySummary[]>([]);
  const [conn, setConn] = useState<Conn>('connecting');
  /** Rows that came in floods while paused: Follow reloads the list instead of adding the held rows. */
  const [flooded, setFlooded] = useState(0);
  const reload = useRef(() => {});

  useEffect(() => {
    let es: EventSource | null = null;
    let stopped = false;
    let lastId = '';
    let timer = 0;
    let loadedAt = 0;
    const upsert = (s: DeliverySummary) =>
      setRows((rs) => {
        if (rs.some((r) => r.id === s.id)) return rs.map((r) => (r.id === s.id ? s : r));
        if (rs.length < MAX_ROWS) return [s, ...rs];
        // A flood keeps the page light: the oldest rows leave, and "Load older" brings them back from the server.
        const kept = [s, ...rs.slice(0, MAX_ROWS - 1)];
        setNext(kept[kept.length - 1]!.id);
        return kept;
      });
    const load = async () => {
      loadedAt = Date.now();
      const list = await api.list(filters);
      if (stopped) return;
      setRows(list.requests);
      setNext(list.next);
      setPending([]);
      setFlooded(0);
      open(list.eventId);
    };
    reload.current = () => void load().catch(retry);
    const open = (since: string) => {
      es?.close();
      const q = filterQuery(filters);
      q.set('since', since);
      es = new EventSource(`/api/events?${q}`);
      lastId = since;
      es.onopen = () => setConn('live');
      es.addEventListener('delivery', (e) => {
        lastId = e.lastEventId;
        const s = JSON.parse(e.data) as DeliverySummary;
        if (live.current.paused) setPending((p) => (p.some((r) => r.id === s.id) ? p : [s, ...p]));
        else upsert(s);
      });
      es.addEventListener('update', (e) => {
        lastId = e.lastEventId;
        const s = JSON.parse(e.data) as DeliverySummary;
        setRows((rs) => rs.map((r) => (r.id === s.id ? s : r)));
        setPending((p) => p.map((r) => (r.id === s.id ? s : r)));
        if (live.current.selected === s.id) refreshDetail(s.id);
      });
      es.addEventListener('remove', (e) => {
        lastId = e.lastEventId;
        const { id } = JSON.parse(e.data) as { id: string | null };
        setRows((rs) => (id === null ? [] : rs.filter((r) => r.id !== id)));
      });
      es.addEventListener('flood', (e) => {
        lastId = e.lastEventId;
        // Too many rows to stream one by one: while following, the list is reloaded (at most once a second); while
        // paused, the count is kept and Follow reloads it.
        if (live.current.paused) return setFlooded((n) => n + (JSON.parse(e.data) as { deliveries: number }).deliveries);
        es?.close();
        timer = window.setTimeout(reload.current, Math.max(0, loadedAt + FLOOD_RELOAD_MS - Date.now()));
      });
      es.addEventListener('reset', () => {
        es?.close();
        onReset();
        void load().catch(retry);
      });
      es.onerror = () => {
        setConn('reconnecting');
        // The browser retries by itself unless the stream was refused; then find out why before trying again.
        if (es?.readyState === EventSource.CLOSED) timer = window.setTimeout(retry, 1000);
      };
    };
    const retry = () => {
      if (stopped) return;
      api.config().then(
        () => open(lastId),
        (e: ApiError) => (e.status === 403 ? setConn('unauthorized') : (timer = window.setTimeout(retry, 1000))),
      );
    };
    const debounce = window.setTimeout(() => void load().catch(retry), filters.q ? 200 : 0);
    return () => {
      stopped = true;
      clearTimeout(debounce);
      clearTimeout(timer);
      es?.close();
    };
  }, [filters, refreshDetail]);
  return { rows, setRows, next, setNext, pending, setPending, conn, setConn, flooded, reload: () => reload.current() };
}
