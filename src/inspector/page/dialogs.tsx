import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConfigJson, DeliveryDetail } from '../shapes';
import { decodeBase64, utf8 } from './format';

function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: preact.ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return (
    <dialog ref={ref} onClose={onClose} aria-label={title}>
      <header class="panel-head">
        <h2>{title}</h2>
        <button onClick={() => ref.current?.close()} aria-label="close">
          ✕
        </button>
      </header>
      {children}
    </dialog>
  );
}

/** The curl command (built by the server from the exact bytes) with a copy button. */
export function CurlDialog({ command, onClose }: { command: string; onClose: () => void }) {
  const [copied, setCopied] = useState('');
  const area = useRef<HTMLTextAreaElement>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(command);
      setCopied('Copied.');
    } catch {
      area.current?.select();
      setCopied(document.execCommand('copy') ? 'Copied.' : 'Select the text and copy it.');
    }
  };
  return (
    <Modal title="Copy as curl" onClose={onClose}>
      <p class="small muted">Sends the recorded bytes and headers (its signature may have expired: replay re-signed for a fresh one).</p>
      <textarea ref={area} class="code" readOnly rows={10} aria-label="curl command" value={command} />
      <div class="actions">
        <button onClick={copy}>Copy</button> <span role="status">{copied}</span>
      </div>
    </Modal>
  );
}

/** Set anew for each request (and dropped if given), so not offered for editing. */
const PER_CONNECTION = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'expect', 'te', 'upgrade', 'trailer']);

const headerText = (h: Record<string, string>) =>
  Object.entries(h)
    .filter(([k]) => !PER_CONNECTION.has(k))
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');

/** Edit the body and headers, then replay: re-signed with the configured secret, and labelled as edited. */
export function EditDialog({
  d, config, onSend, onClose,
}: { d: DeliveryDetail; config: ConfigJson; onSend: (body: string, headers: Record<string, string>, target: string) => Promise<void>; onClose: () => void }) {
  const original = utf8(decodeBase64(d.request.raw));
  const [body, setBody] = useState(original ?? '');
  const [headers, setHeaders] = useState(headerText(d.request.headers));
  const [target, setTarget] = useState(d.timeline.find((a) => a.kind === 'forward' && config.targets.includes(a.target))?.target ?? config.targets[0] ?? '');
  const [error, setError] = useState('');
  const send = async (e: Event) => {
    e.preventDefault();
    const parsed: Record<string, string> = {};
    for (const line of headers.split('\n')) {
      if (!line.trim()) continue;
      const at = line.indexOf(':');
      if (at <= 0) return setError(`not a header line: ${line}`);
      parsed[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
    }
    try {
      await onSend(body, parsed, target);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <Modal title={`Edit & replay #${d.id}`} onClose={onClose}>
      {original === null && <p class="error-line">The body is not UTF-8 text and cannot be edited here.</p>}
      <form onSubmit={send}>
        <label for="edit-body">Body</label>
        <textarea id="edit-body" class="code" rows={14} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
        <label for="edit-headers">Headers (one "name: value" per line; host and length are set when sending)</label>
        <textarea id="edit-headers" class="code" rows={6} value={headers} onInput={(e) => setHeaders(e.currentTarget.value)} />
        <label for="edit-target">Target</label>
        <select id="edit-target" value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
          {config.targets.map((t) => (
            <option value={t} key={t}>
              {t}
            </option>
          ))}
        </select>
        <p class="small">
          {d.provider && config.keySigned.includes(d.provider)
            ? `${d.provider} signs with its own private key, which the inspector does not have: it is sent with the headers above, not re-signed, so an edited body no longer matches its signature.`
            : config.canResign
              ? 'The signature headers are replaced by a fresh signature made with the listener’s secret.'
              : 'No secret is configured: it is sent with the headers above, not re-signed.'}
        </p>
        {error && <p class="error-line" role="alert">{error}</p>}
        <div class="actions">
          <button type="submit" class="primary" disabled={original === null}>
            Replay edited
          </button>
        </div>
      </form>
    </Modal>
  );
}
