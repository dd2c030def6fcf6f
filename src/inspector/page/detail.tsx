import { useMemo } from 'preact/hooks';
import type { AttemptJson, ConfigJson, DeliveryDetail } from '../shapes';
import { BodyView, HeadersTable } from './body';
import { bytes, dateTime, decodeBase64, statusTone, verdictLabel } from './format';

export interface Actions {
  replay: (mode: 'original' | 'resigned') => void;
  edit: () => void;
  curl: () => void;
  compare: () => void;
  remove: () => void;
  answerDiff: (attempt: AttemptJson) => void;
}

function notRecorded(d: DeliveryDetail, config: ConfigJson): string {
  if (!config.recordDir) return 'not recorded (start the listener with --record)';
  if (d.duplicate || d.skipped) return `not recorded: ${d.duplicate ? 'a duplicate' : 'skipped by --events'}`;
  return 'not recorded: refused requests are not kept';
}

const modeLabel = { original: 'as recorded', resigned: 're-signed', edited: 'edited' } as const;

function Attempt({ a, first, onDiff }: { a: AttemptJson; first: AttemptJson | undefined; onDiff: (a: AttemptJson) => void }) {
  const tone = statusTone(a.status, a.ok);
  const title = a.kind === 'forward' ? 'Forwarded' : `Replayed ${a.mode ? modeLabel[a.mode] : ''}`;
  return (
    <li class={`step ${tone}`} data-attempt={a.n}>
      <div class="step-head">
        <strong>{title}</strong>
        {a.mode === 'edited' && <span class="badge warn">edited{a.resigned ? ', re-signed' : ', not re-signed'}</span>}
        {a.mode === 'resigned' && <span class="badge">re-signed</span>}
        <span class="muted">→ {a.target}</span>
      </div>
      <div class="step-body">
        <span class={`badge ${tone}`} data-status>{a.status ?? 'no answer'}</span>
        {a.latencyMs !== null && <span>{a.latencyMs} ms</span>}
        {a.tries > 1 && <span class="muted">{a.tries} tries</span>}
        {a.error && !a.ok && a.error !== `HTTP ${a.status}` && <span class="error-line">{a.error}</span>}
        <span class="muted small">{dateTime(a.at)}</span>
      </div>
      {a.retryReasons.length > 0 && <p class="small muted">retried after: {a.retryReasons.join('; ')}</p>}
      {(a.responseBody !== null || a.responseHeaders) && (
        <details open={!a.ok}>
          <summary>Response{a.responseBody ? ` (${a.responseBody.length} chars)` : ''}</summary>
          <pre class="code response" data-response>{a.responseBody || '(empty body)'}</pre>
          {a.responseHeaders && (
            <details class="nested">
              <summary>Response headers</summary>
              <HeadersTable headers={a.responseHeaders} label="response headers" />
            </details>
          )}
        </details>
      )}
      {a.kind === 'replay' && first && first !== a && (
        <button class="link" onClick={() => onDiff(a)}>
          Compare this answer with the first one
        </button>
      )}
    </li>
  );
}

/** One delivery: its timeline from arrival to the recorded fixture, its bytes and headers, and what can be done with it. */
export function Detail({ d, config, actions, busy }: { d: DeliveryDetail; config: ConfigJson; actions: Actions; busy: boolean }) {
  const body = useMemo(() => decodeBase64(d.request.raw), [d.request.raw]);
  const canReplay = config.targets.length > 0;
  const keySigned = d.provider !== null && config.keySigned.includes(d.provider);
  const contentType = d.request.headers['content-type'] ?? '';
  const first = d.timeline[0];
  return (
    <section class="panel detail" aria-labelledby="detail-title">
      <header class="panel-head">
        <h2 id="detail-title">
          {d.type ?? '(no type)'} <span class="muted mono">#{d.id}</span>
        </h2>
        <div class="actions" role="toolbar" aria-label="delivery actions">
          <button onClick={() => actions.replay('original')} disabled={!canReplay || busy} title="r">
            Replay
          </button>
          <button
            onClick={() => actions.replay('resigned')}
            disabled={!canReplay || !config.canResign || keySigned || busy}
            title={keySigned ? `${d.provider} signs with its own private key: replay it as recorded` : undefined}
          >
            Replay re-signed
          </button>
          <button onClick={actions.edit} disabled={!canReplay || busy}>
            Edit &amp; replay…
          </button>
          <button onClick={actions.curl}>Copy as curl</button>
          <a class="button" href={`/api/requests/http/${encodeURIComponent(d.id)}/fixture`} download>
            Download fixture
          </a>
          <button onClick={actions.compare} title="d">
            Compare…
          </button>
          <button class="danger" onClick={actions.remove}>
            Delete
          </button>
        </div>
      </header>
      {!canReplay && <p class="muted small">Replay is off: no target is configured (--forward-to, --route, or inspect --to).</p>}
      {canReplay && keySigned && (
        <p class="muted small">
          {d.provider} signs with its own private key, which the inspector does not have: this delivery can be replayed as recorded, not re-signed.
        </p>
      )}
      <ol class="timeline" aria-label="timeline">
        <li class="step">
          <div class="step-head">
            <strong>Received</strong> <span class="mono">{d.method} {d.path}</span>
          </div>
          <div class="step-body">
            <span>{bytes(d.bytes)}</span>
            <span class="muted">{dateTime(d.receivedAt)}</span>
            {d.answer !== null && <span class={`badge ${statusTone(d.answer, d.answer < 300)}`}>answered {d.answer}</span>}
            {d.duplicate && <span class="badge warn">duplicate: not forwarded again</span>}
            {d.skipped && <span class="badge">skipped (--events)</span>}
          </div>
        </li>
        <li class={`step ${d.verdict === 'verified' ? 'ok' : d.verdict === 'failed' ? 'bad' : 'warn'}`} data-verdict={d.verdict}>
          <div class="step-head">
            <strong>Signature</strong> <span class={`badge ${d.verdict === 'verified' ? 'ok' : d.verdict === 'failed' ? 'bad' : 'warn'}`}>{verdictLabel[d.verdict]}</span>
            <span class="muted">{d.provider ?? 'unknown provider'}</span>
          </div>
          {d.reason && <p class="reason">{d.reason}</p>}
        </li>
        {d.timeline.map((a) => (
          <Attempt a={a} first={first} onDiff={actions.answerDiff} key={a.n} />
        ))}
        <li class="step">
          <div class="step-head">
            <strong>Fixture</strong>{' '}
            {d.recorded ? <span class="mono">{d.recorded}</span> : <span class="muted">{notRecorded(d, config)}</span>}
          </div>
        </li>
      </ol>
      <h3>Body</h3>
      <BodyView body={body} contentType={contentType} label="request body" />
      <h3>Headers</h3>
      <HeadersTable headers={d.request.headers} label="request headers" />
    </section>
  );
}
