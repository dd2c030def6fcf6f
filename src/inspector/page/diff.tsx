import diff from 'microdiff';
import type { DeliveryDetail } from '../shapes';
import { decodeBase64, SENSITIVE, time, utf8, verdictLabel } from './format';

type Row = { path: string; kind: 'added' | 'removed' | 'changed'; before?: string; after?: string };

const show = (v: unknown) => (v === undefined ? '' : JSON.stringify(v));

function pathOf(parts: (string | number)[]): string {
  return parts.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(root)';
}

/** Field-level changes between two JSON values (microdiff), or null when either side is not JSON. */
function jsonRows(a: string, b: string): Row[] | null {
  let va: unknown;
  let vb: unknown;
  try {
    va = JSON.parse(a);
    vb = JSON.parse(b);
  } catch {
    return null;
  }
  if (typeof va !== 'object' || typeof vb !== 'object' || va === null || vb === null) {
    return va === vb ? [] : [{ path: '(root)', kind: 'changed', before: show(va), after: show(vb) }];
  }
  return diff(va as Record<string, unknown>, vb as Record<string, unknown>).map((d) => ({
    path: pathOf(d.path),
    kind: d.type === 'CREATE' ? 'added' : d.type === 'REMOVE' ? 'removed' : 'changed',
    before: d.type === 'CREATE' ? undefined : show(d.oldValue),
    after: d.type === 'REMOVE' ? undefined : show(d.value),
  }));
}

function Rows({ rows, masked }: { rows: Row[]; masked?: (path: string) => boolean }) {
  if (rows.length === 0) return <p class="muted">No differences.</p>;
  return (
    <table class="diff">
      <thead>
        <tr>
          <th scope="col">field</th>
          <th scope="col">before</th>
          <th scope="col">after</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const hide = masked?.(r.path);
          return (
            <tr class={`d-${r.kind}`} key={r.path}>
              <th scope="row">
                <span class="sr">{r.kind}: </span>
                {r.path}
              </th>
              <td class="before">{r.before === undefined ? '—' : hide ? '•••• (differs)' : r.before}</td>
              <td class="after">{r.after === undefined ? '—' : hide ? '•••• (differs)' : r.after}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Two texts compared: field by field when both are JSON, else line by line from the first difference. */
export function TextDiff({ a, b }: { a: string; b: string }) {
  const rows = jsonRows(a, b);
  if (rows) return <Rows rows={rows} />;
  if (a === b) return <p class="muted">Identical.</p>;
  const la = a.split('\n');
  const lb = b.split('\n');
  const text: Row[] = [];
  for (let i = 0; i < Math.max(la.length, lb.length) && text.length < 200; i++) {
    if (la[i] !== lb[i]) text.push({ path: `line ${i + 1}`, kind: la[i] === undefined ? 'added' : lb[i] === undefined ? 'removed' : 'changed', before: la[i], after: lb[i] });
  }
  return (
    <>
      <p class="muted small">Not JSON on both sides: compared line by line.</p>
      <Rows rows={text} />
    </>
  );
}

const bodyText = (d: DeliveryDetail) => utf8(decodeBase64(d.request.raw)) ?? `(binary, ${d.bytes} bytes)`;

/** Two deliveries side by side: what they are, then changed headers, then changed body fields. */
export function DeliveryDiff({ a, b, onClose }: { a: DeliveryDetail; b: DeliveryDetail; onClose: () => void }) {
  const meta: [string, (d: DeliveryDetail) => string][] = [
    ['received', (d) => `${time(d.receivedAt)} (${d.receivedAt})`],
    ['type', (d) => d.type ?? '—'],
    ['event id', (d) => d.eventId ?? '—'],
    ['provider', (d) => d.provider ?? '—'],
    ['verdict', (d) => verdictLabel[d.verdict]],
    ['size', (d) => `${d.bytes} bytes`],
  ];
  const headerRows = diff(a.request.headers, b.request.headers).map<Row>((d) => ({
    path: String(d.path[0]),
    kind: d.type === 'CREATE' ? 'added' : d.type === 'REMOVE' ? 'removed' : 'changed',
    before: d.type === 'CREATE' ? undefined : String(d.oldValue),
    after: d.type === 'REMOVE' ? undefined : String(d.value),
  }));
  return (
    <section class="panel diffview" aria-labelledby="diff-title">
      <header class="panel-head">
        <h2 id="diff-title">
          Diff: #{a.id} → #{b.id}
        </h2>
        <button onClick={onClose}>Close diff</button>
      </header>
      <table class="kv meta">
        <thead>
          <tr>
            <th />
            <th scope="col">#{a.id}</th>
            <th scope="col">#{b.id}</th>
          </tr>
        </thead>
        <tbody>
          {meta.map(([name, f]) => (
            <tr key={name} class={f(a) === f(b) ? '' : 'd-changed'}>
              <th scope="row">{name}</th>
              <td>{f(a)}</td>
              <td>{f(b)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Body</h3>
      <TextDiff a={bodyText(a)} b={bodyText(b)} />
      <h3>Headers</h3>
      <Rows rows={headerRows} masked={(p) => SENSITIVE.test(p)} />
    </section>
  );
}
