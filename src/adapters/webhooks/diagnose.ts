import type { FailureCode, SignatureScheme, VerifyOptions } from './scheme.js';
import { timestampProblem } from './tolerance.js';
import { urlVariants } from './url-variants.js';

/** What would have verified, in words, with its machine code. */
export interface Diagnosis {
  code: FailureCode;
  reason: string;
}

interface Alternative {
  code: FailureCode;
  reason: string;
  secret?: string;
  body?: Buffer;
  url?: string;
}

const PREFIX = 'whsec_';
/** Bodies above this size get only the secret checks: each body alternative costs a full HMAC (and a JSON parse). */
export const MAX_DIAGNOSED_BODY = 1024 * 1024;

/** Secrets the signer may have used instead: with or without `whsec_`, or keyed the other way round. */
function* secretAlternatives(scheme: SignatureScheme, secret: string): Generator<Alternative> {
  if (scheme.key !== 'secret') return;
  const provider = scheme.provider;
  const code = 'secret_prefix';
  const has = secret.startsWith(PREFIX);
  const rest = secret.slice(PREFIX.length);
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  if (provider === 'stripe') {
    if (!has) {
      yield { code, secret: PREFIX + secret, reason: 'the secret lacks its whsec_ prefix: Stripe signs with the whole secret, whsec_ included (it verifies with the prefix put back)' };
    } else {
      yield { code, secret: rest, reason: 'the signature was made with the secret minus its whsec_ prefix, but Stripe signs with the whole secret, whsec_ included: fix the signer (it verifies without the prefix)' };
    }
  } else if (provider === 'standard') {
    const decoded = 'Standard Webhooks keys the HMAC with the base64-decoded part after whsec_';
    yield { code, secret: PREFIX + b64(secret), reason: `the signature was made with the secret string itself as the key (as Stripe does), but ${decoded}` };
    if (has) {
      yield { code, secret: PREFIX + b64(rest), reason: `the signature was made with the text after whsec_ as the key, not base64-decoded, but ${decoded}` };
      yield { code, secret: Buffer.from(secret, 'base64').toString('base64'), reason: `the signature was made by base64-decoding the secret with its whsec_ prefix, but ${decoded}` };
    }
  } else if (has) {
    yield { code, secret: rest, reason: `the secret has a whsec_ prefix, which ${scheme.label} secrets do not have: it verifies without it` };
  }
}

/** The URL as the provider may have signed it instead (scheme, port, slash, query, proxy prefix). */
function* urlAlternatives(options: VerifyOptions): Generator<Alternative> {
  for (const v of urlVariants(options.url ?? '', options.headers)) {
    yield {
      code: 'url_mismatch',
      url: v.url,
      reason: `the signed URL is not ${options.url}: it verifies as ${v.url} (${v.what}); pass that as --url, or behind a tunnel or proxy give listen the public URL with --public-url`,
    };
  }
}

/** Line-ending changes a proxy, an editor or a file copy may have made. */
function* lineEndingAlternatives(body: Buffer): Generator<Alternative> {
  const code = 'line_endings';
  const text = body.toString('latin1');
  if (text.includes('\r\n')) {
    yield { code, body: Buffer.from(text.replace(/\r\n/g, '\n'), 'latin1'), reason: 'the line endings were changed after signing: it was signed with LF line endings and now has CRLF' };
  } else if (text.includes('\n')) {
    yield { code, body: Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1'), reason: 'the line endings were changed after signing: it was signed with CRLF line endings and now has LF' };
  }
  const trimmed = text.replace(/\r?\n$/, '');
  if (trimmed !== text) {
    yield { code, body: Buffer.from(trimmed, 'latin1'), reason: 'a trailing newline was added to the body after signing' };
  } else {
    yield { code, body: Buffer.concat([body, Buffer.from('\n')]), reason: 'the body lost its trailing newline after signing' };
    yield { code, body: Buffer.concat([body, Buffer.from('\r\n')]), reason: 'the body lost its trailing CRLF after signing' };
  }
}

interface Style {
  indent: string;
  comma: string;
  colon: string;
  sortKeys?: boolean;
  ascii?: boolean;
  slashes?: boolean;
}

/** JSON in one of the shapes serialisers produce; key order and number forms as JSON.stringify gives them. */
function serialise(value: unknown, style: Style, depth = 0): string {
  if (value === null || typeof value !== 'object') {
    let s = JSON.stringify(value) ?? 'null';
    if (typeof value === 'string') {
      if (style.ascii) s = s.replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
      if (style.slashes) s = s.replace(/\//g, '\\/');
    }
    return s;
  }
  const pad = style.indent ? '\n' + style.indent.repeat(depth + 1) : '';
  const end = style.indent ? '\n' + style.indent.repeat(depth) : '';
  const comma = style.indent ? ',' : style.comma;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return '[' + value.map((v) => pad + serialise(v, style, depth + 1)).join(comma) + end + ']';
  }
  let keys = Object.keys(value);
  if (keys.length === 0) return '{}';
  if (style.sortKeys) keys = [...keys].sort();
  const entries = keys.map((k) => pad + serialise(k, style) + style.colon + serialise((value as Record<string, unknown>)[k], style, depth + 1));
  return '{' + entries.join(comma) + end + '}';
}

const SHAPES: [Style, string][] = [
  [{ indent: '', comma: ',', colon: ':' }, 'minified'],
  [{ indent: '  ', comma: ',', colon: ': ' }, 'pretty-printed with 2-space indentation'],
  [{ indent: '    ', comma: ',', colon: ': ' }, 'pretty-printed with 4-space indentation'],
  [{ indent: '\t', comma: ',', colon: ': ' }, 'pretty-printed with tabs'],
  [{ indent: '', comma: ', ', colon: ': ' }, 'written with ", " and ": " separators (as Python writes it)'],
];
const VARIANTS: [Partial<Style>, string][] = [
  [{}, ''],
  [{ sortKeys: true }, ', keys sorted'],
  [{ ascii: true }, ', non-ASCII characters escaped as \\uXXXX'],
  [{ slashes: true }, ', slashes escaped as \\/'],
];

/** The same JSON written the ways other serialisers write it, for a body a framework parsed and re-serialised. */
function* jsonAlternatives(body: Buffer): Generator<Alternative> {
  const text = body.toString('utf8');
  if (!/^\s*[[{]/.test(text)) return;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return;
  }
  for (const [shape, shapeName] of SHAPES) {
    for (const [variant, variantName] of VARIANTS) {
      const json = serialise(value, { ...shape, ...variant });
      for (const tail of ['', '\n']) {
        yield {
          code: 'body_reserialised',
          body: Buffer.from(json + tail, 'utf8'),
          reason: `the body was re-serialised after signing: the signature matches the same JSON ${shapeName}${variantName}${tail ? ', with a trailing newline' : ''}; verify the raw bytes as received, before any JSON parsing`,
        };
      }
    }
  }
}

/**
 * After a signature mismatch, tries what commonly goes wrong (secret prefix and keying, line endings, JSON
 * re-serialisation, the URL of URL-signing schemes) and says which alternative would have verified. It never accepts the alternative.
 */
export function diagnoseMismatch(scheme: SignatureScheme, options: VerifyOptions): Diagnosis | null {
  const tried = new Set<string>([options.body.toString('latin1')]);
  const small = options.body.length <= MAX_DIAGNOSED_BODY;
  const candidates = [
    ...(scheme.signsUrl && options.url ? urlAlternatives(options) : []),
    ...secretAlternatives(scheme, options.secret),
    ...(small ? lineEndingAlternatives(options.body) : []),
  ];
  const check = (alt: Alternative): Diagnosis | null => {
    if (alt.body) {
      const key = alt.body.toString('latin1');
      if (tried.has(key)) return null;
      tried.add(key);
    }
    const outcome = scheme.verify({ ...options, secret: alt.secret ?? options.secret, body: alt.body ?? options.body, url: alt.url ?? options.url, ignoreTime: true });
    if (!outcome.valid) return null;
    const late =
      options.ignoreTime || outcome.timestampSec === undefined
        ? null
        : timestampProblem(outcome.timestampSec, options.nowSec, options.toleranceSec);
    return { code: alt.code, reason: late ? `${alt.reason}; also, the ${late}` : alt.reason };
  };
  for (const alt of candidates) {
    const found = check(alt);
    if (found) return found;
  }
  for (const alt of small ? jsonAlternatives(options.body) : []) {
    const found = check(alt);
    if (found) return found;
  }
  return null;
}
