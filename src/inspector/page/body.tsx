import { useMemo, useState } from 'preact/hooks';
import { SENSITIVE, utf8 } from './format';

type Tab = 'pretty' | 'raw' | 'hex';

/** Where JSON.parse stopped, from its message ("… at position 42" or "(line 3 column 5)"). */
function errorOffset(text: string, message: string): number | null {
  const pos = /position (\d+)/.exec(message);
  if (pos) return Number(pos[1]);
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) {
    const lines = text.split('\n');
    return lines.slice(0, Number(lc[1]) - 1).reduce((n, l) => n + l.length + 1, 0) + Number(lc[2]) - 1;
  }
  if (/end of (JSON|data)/i.test(message)) return text.length;
  return null;
}

type Pretty =
  | { kind: 'json'; text: string }
  | { kind: 'form'; fields: [string, string][] }
  | { kind: 'invalid'; message: string; text: string; at: number | null }
  | { kind: 'text'; text: string }
  | { kind: 'binary' };

function prettify(body: Uint8Array, contentType: string): Pretty {
  const text = utf8(body);
  if (text === null) return { kind: 'binary' };
  if (/x-www-form-urlencoded/i.test(contentType)) return { kind: 'form', fields: [...new URLSearchParams(text)] };
  if (/json/i.test(contentType) || /^\s*[[{]/.test(text)) {
    try {
      return { kind: 'json', text: JSON.stringify(JSON.parse(text), null, 2) };
    } catch (error) {
      const message = (error as Error).message;
      return { kind: 'invalid', message, text, at: errorOffset(text, message) };
    }
  }
  return { kind: 'text', text };
}

const HEX_LIMIT = 64 * 1024;

function hexDump(body: Uint8Array): string {
  const lines: string[] = [];
  const end = Math.min(body.length, HEX_LIMIT);
  for (let off = 0; off < end; off += 16) {
    const row = body.subarray(off, Math.min(off + 16, end));
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  if (body.length > HEX_LIMIT) lines.push(`… ${body.length - HEX_LIMIT} more bytes (download the fixture for all of them)`);
  return lines.join('\n');
}

/** A body as pretty JSON (or form fields), the exact text, and hex; invalid JSON is marked where it breaks. */
export function BodyView({ body, contentType, label }: { body: Uint8Array; contentType: string; label: string }) {
  const [tab, setTab] = useState<Tab>('pretty');
  const pretty = useMemo(() => prettify(body, contentType), [body, contentType]);
  const raw = useMemo(() => utf8(body) ?? '(not valid UTF-8: see the hex view)', [body]);
  const tabs: [Tab, string][] = [['pretty', pretty.kind === 'form' ? 'Fields' : 'Pretty'], ['raw', 'Raw'], ['hex', 'Hex']];
  return (
    <section class="body" aria-label={label}>
      <div class="tabs" role="tablist" aria-label={`${label} view`}>
        {tabs.map(([t, name]) => (
          <button role="tab" aria-selected={tab === t} class={tab === t ? 'tab on' : 'tab'} onClick={() => setTab(t)} key={t}>
            {name}
          </button>
        ))}
        <span class="muted small">{body.length} bytes</span>
        {pretty.kind === 'invalid' && <span class="badge bad">invalid JSON</span>}
      </div>
      {tab === 'pretty' && <PrettyView p={pretty} />}
      {tab === 'raw' && <pre class="code" data-view="raw">{raw}</pre>}
      {tab === 'hex' && <pre class="code hex" data-view="hex">{hexDump(body)}</pre>}
    </section>
  );
}

function PrettyView({ p }: { p: Pretty }) {
  if (p.kind === 'json') return <pre class="code" data-view="pretty">{p.text}</pre>;
  if (p.kind === 'text') return <pre class="code" data-view="pretty">{p.text || '(empty body)'}</pre>;
  if (p.kind === 'binary') return <p class="muted">Binary body (not UTF-8): see the hex view.</p>;
  if (p.kind === 'form') {
    return (
      <table class="kv" data-view="pretty">
        <tbody>
          {p.fields.map(([k, v], i) => (
            <tr key={i}>
              <th scope="row">{k}</th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  const at = p.at ?? p.text.length;
  return (
    <div data-view="pretty">
      <p class="error-line" role="note">
        Not valid JSON: {p.message}
      </p>
      <pre class="code">
        {p.text.slice(0, at)}
        <mark class="json-break" title="JSON breaks here">{p.text.slice(at, at + 1) || '␄'}</mark>
        {p.text.slice(at + 1)}
      </pre>
    </div>
  );
}

/** Headers, with secret and signature values masked until clicked. */
export function HeadersTable({ headers, label }: { headers: Record<string, string>; label: string }) {
  const [shown, setShown] = useState<Set<string>>(new Set());
  const names = Object.keys(headers).sort();
  return (
    <table class="kv headers" aria-label={label}>
      <tbody>
        {names.map((name) => {
          const masked = SENSITIVE.test(name) && !shown.has(name);
          return (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>
                {masked ? (
                  <button class="masked" onClick={() => setShown(new Set([...shown, name]))} aria-label={`show ${name}`}>
                    •••••••• <span class="small">show</span>
                  </button>
                ) : (
                  <span class="value">{headers[name]}</span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
