import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request } from './requests.js';

/** The one shared access key the emulator checks tokens against, when it is given one. */
export interface SharedAccessKey {
  name: string;
  key: string;
}

const SAS_TYPE = 'servicebus.windows.net:sastoken';
const PREFIX = 'SharedAccessSignature ';

/**
 * Why a CBS put-token does not authorise the connection, or null when it does. The token is the one the SDK
 * builds from a connection string: `SharedAccessSignature sr=<uri>&sig=<sig>&se=<expiry>&skn=<key name>`, where
 * sig is the base64 HMAC-SHA256, keyed with the key, of `<sr as sent>\n<se>`. Azure AD tokens cannot be checked
 * against a key, so they are refused.
 */
export function putTokenProblem(request: Request, key: SharedAccessKey, nowSec: number): string | null {
  const type = request.application_properties?.type;
  if (type !== SAS_TYPE) return `only shared access signature tokens are accepted (got ${String(type)})`;
  return sasTokenProblem(request.body, key, nowSec);
}

/** Why a SharedAccessSignature token (CBS body, or the HTTP Authorization header) is not valid for the key, or null. */
export function sasTokenProblem(token: unknown, key: SharedAccessKey, nowSec: number): string | null {
  if (typeof token !== 'string' || !token.startsWith(PREFIX)) return 'the token is not a SharedAccessSignature';
  const fields = new Map<string, string>();
  for (const pair of token.slice(PREFIX.length).split('&')) {
    const at = pair.indexOf('=');
    if (at > 0) fields.set(pair.slice(0, at), pair.slice(at + 1));
  }
  const sr = fields.get('sr');
  const sig = fields.get('sig');
  const se = fields.get('se');
  const skn = fields.get('skn');
  if (!sr || !sig || !se || !skn) return 'the token lacks one of sr, sig, se, skn';
  const keyName = safeDecode(skn);
  if (keyName !== key.name) return `unknown shared access key name "${keyName}"`;
  if (!/^\d+$/.test(se) || Number(se) < nowSec) return 'the token has expired';
  const expected = createHmac('sha256', key.key).update(`${sr}\n${se}`).digest();
  const given = Buffer.from(safeDecode(sig), 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'the token has an invalid signature';
  return null;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
