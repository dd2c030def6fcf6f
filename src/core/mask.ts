const KNOWN_PREFIXES = /^(sk_test_|sk_live_|rk_test_|rk_live_|pk_test_|pk_live_|whsec_|ghp_|xoxb-|xoxp-|shpss_|shpat_)/;

/**
 * A secret as it may be shown: its known prefix (which tells test from live), an ellipsis and the last four
 * characters, or only the ellipsis when the secret is too short to keep anything safely.
 */
export function maskSecret(secret: string): string {
  if (secret.includes('SharedAccessKey=') || /Endpoint=sb:\/\//i.test(secret)) return maskConnectionString(secret);
  const prefix = KNOWN_PREFIXES.exec(secret)?.[0] ?? '';
  const rest = secret.slice(prefix.length);
  if (rest.length < 12) return `${prefix}…`;
  return `${prefix}…${rest.slice(-4)}`;
}

/** A Service Bus connection string with its SharedAccessKey (and any SAS signature) hidden. */
export function maskConnectionString(value: string): string {
  return value
    .replace(/(SharedAccessKey=)([^;]*)/gi, (_m, k: string, v: string) => `${k}${v ? '…' + (v.length >= 16 ? v.slice(-4) : '') : ''}`)
    .replace(/(SharedAccessSignature=)([^;]*)/gi, '$1…');
}

/** Replaces every occurrence of the given secrets in a text, for error messages that may quote input. */
export function redact(text: string, secrets: (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join(maskSecret(s));
  }
  return out;
}
