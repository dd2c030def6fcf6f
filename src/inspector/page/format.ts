import type { DeliverySummary } from '../shapes';

export function time(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : d.toLocaleTimeString([], { hour12: false });
}

export function dateTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : `${d.toLocaleDateString()} ${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function statusTone(status: number | null, ok: boolean): 'ok' | 'warn' | 'bad' {
  if (ok) return 'ok';
  if (status !== null && status < 500 && status !== 429) return 'warn';
  return 'bad';
}

export const verdictLabel: Record<DeliverySummary['verdict'], string> = { verified: 'verified', failed: 'failed', unchecked: 'not checked' };

export function decodeBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Text of a body when it is valid UTF-8, else null. */
export function utf8(bytesIn: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytesIn);
  } catch {
    return null;
  }
}

/** Header names whose values are secrets or signatures: masked until clicked. */
export const SENSITIVE = /signature|secret|token|authorization|cookie|api-key|hmac|password/i;
