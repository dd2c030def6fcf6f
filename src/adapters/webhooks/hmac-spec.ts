import { UsageError } from '../../core/errors.js';
import type { HmacAlgorithm } from './hmac.js';

/**
 * An HMAC signature scheme written as data: `--scheme`, the config file's `schemes`, and most built-in schemes.
 * Every field but `header` has a default.
 */
export interface HmacSpec {
  /** The scheme's name (`--provider name`, a fixture's `provider`); default "custom". */
  name: string;
  /** Shown in messages; default the name. */
  label?: string;
  /** The header carrying the signature. */
  header: string;
  algorithm: HmacAlgorithm;
  encoding: 'hex' | 'base64';
  /** Written before the signature, e.g. `sha256=` or `v1,`. */
  prefix: string;
  /** Several signatures in the header, split by this (secret rotation), e.g. " ". */
  separator?: string;
  /** The signed content: `{body}`, `{timestamp}`, `{id}`, `{url}`, `{method}`, `{header:name}` and literal text. */
  content: string;
  timestampHeader?: string;
  /** A top-level field of the JSON body holding the timestamp (Linear's webhookTimestamp). */
  timestampField?: string;
  /** Unit of the timestamp: unix seconds (default) or milliseconds. */
  timestampUnit: 's' | 'ms';
  /** Seconds either side of now, when no --tolerance is given; default 300. */
  tolerance?: number;
  /** The header carrying the message id of `{id}`. */
  idHeader?: string;
  /** How the secret becomes the HMAC key: its UTF-8 bytes, base64-decoded, or base64 after `whsec_`. */
  secretEncoding: 'utf8' | 'base64' | 'whsec';
  /** Headers that name the sender even on an unsigned request. */
  senderHeaders?: string[];
}

const FIELDS = [
  'name', 'label', 'header', 'algorithm', 'encoding', 'prefix', 'separator', 'content', 'timestampHeader',
  'timestampField', 'timestampUnit', 'tolerance', 'idHeader', 'secretEncoding', 'senderHeaders',
];
const PLACEHOLDER = /\{([^{}]*)\}/g;
const PLAIN = new Set(['body', 'timestamp', 'id', 'url', 'method']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

function oneOf<T extends string>(where: string, field: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value.toLowerCase())) return value.toLowerCase() as T;
  throw new UsageError(`${where}: "${field}" must be ${allowed.join(', ').replace(/, ([^,]*)$/, ' or $1')}`);
}

function text(where: string, field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new UsageError(`${where}: "${field}" must be a string`);
  return value;
}

function headerName(where: string, field: string, value: unknown): string | undefined {
  const name = text(where, field, value)?.trim().toLowerCase();
  if (name !== undefined && !HEADER_NAME.test(name)) throw new UsageError(`${where}: "${field}" is not a header name: ${JSON.stringify(value)}`);
  return name;
}

/** The placeholders of a content template, checked: `{header:name}` or one of the plain names. */
export function templateFields(where: string, content: string): string[] {
  const fields: string[] = [];
  for (const [, inner = ''] of content.matchAll(PLACEHOLDER)) {
    const name = inner.trim();
    if (!PLAIN.has(name) && !(name.startsWith('header:') && HEADER_NAME.test(name.slice(7).trim().toLowerCase()))) {
      throw new UsageError(`${where}: unknown placeholder {${inner}} in "content"`, {
        hint: 'use {body}, {timestamp}, {id}, {url}, {method} or {header:name}',
      });
    }
    fields.push(name);
  }
  return fields;
}

/** Validates a scheme description (parsed JSON); `where` names its source in messages. */
export function parseHmacSpec(value: unknown, where: string, defaultName = 'custom'): HmacSpec {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`${where}: a scheme must be a JSON object`, { hint: 'e.g. {"header":"x-signature","algorithm":"sha256","encoding":"hex"}' });
  }
  const raw = value as Record<string, unknown>;
  const unknown = Object.keys(raw).find((k) => !FIELDS.includes(k));
  if (unknown) throw new UsageError(`${where}: unknown field "${unknown}"`, { hint: `known fields: ${FIELDS.join(', ')}` });
  const header = headerName(where, 'header', raw.header);
  if (!header) throw new UsageError(`${where}: "header" (the header carrying the signature) is required`);
  const name = (text(where, 'name', raw.name) ?? defaultName).trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) throw new UsageError(`${where}: "name" must be letters, digits, - or _: ${JSON.stringify(raw.name)}`);
  const content = text(where, 'content', raw.content) ?? '{body}';
  const fields = templateFields(where, content);
  if (!fields.includes('body')) throw new UsageError(`${where}: "content" must contain {body}`);
  const tolerance = raw.tolerance;
  if (tolerance !== undefined && !(typeof tolerance === 'number' && Number.isInteger(tolerance) && tolerance > 0)) {
    throw new UsageError(`${where}: "tolerance" must be a positive whole number of seconds`);
  }
  const senders = raw.senderHeaders;
  if (senders !== undefined && !(Array.isArray(senders) && senders.every((s) => typeof s === 'string'))) {
    throw new UsageError(`${where}: "senderHeaders" must be an array of header names`);
  }
  const spec: HmacSpec = {
    name,
    label: text(where, 'label', raw.label),
    header,
    algorithm: oneOf(where, 'algorithm', raw.algorithm, ['sha1', 'sha256', 'sha512'] as const, 'sha256'),
    encoding: oneOf(where, 'encoding', raw.encoding, ['hex', 'base64'] as const, 'hex'),
    prefix: text(where, 'prefix', raw.prefix) ?? '',
    separator: text(where, 'separator', raw.separator) || undefined,
    content,
    timestampHeader: headerName(where, 'timestampHeader', raw.timestampHeader),
    timestampField: text(where, 'timestampField', raw.timestampField),
    timestampUnit: oneOf(where, 'timestampUnit', raw.timestampUnit, ['s', 'ms'] as const, 's'),
    tolerance: tolerance as number | undefined,
    idHeader: headerName(where, 'idHeader', raw.idHeader),
    secretEncoding: oneOf(where, 'secretEncoding', raw.secretEncoding, ['utf8', 'base64', 'whsec'] as const, 'utf8'),
    senderHeaders: (senders as string[] | undefined)?.map((s) => s.toLowerCase()),
  };
  if (fields.includes('timestamp') && !spec.timestampHeader && !spec.timestampField) {
    throw new UsageError(`${where}: "content" uses {timestamp} but no "timestampHeader" or "timestampField" says where it is`);
  }
  if (fields.includes('id') && !spec.idHeader) throw new UsageError(`${where}: "content" uses {id} but no "idHeader" says where it is`);
  return spec;
}
