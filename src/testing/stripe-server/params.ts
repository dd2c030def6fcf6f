import { randomBytes } from 'node:crypto';
import { invalidRequest } from './api-error.js';
import type { FormObject, FormValue } from './form.js';

// Parameter readers that fail the way the real API does: 400 invalid_request_error naming the parameter.

/** An object id in Stripe's style: prefix and random letters and digits. */
export function randomId(prefix: string, length = 24): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return prefix + [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
}

export function allowOnly(params: FormObject, allowed: string[]): void {
  for (const key of Object.keys(params)) {
    if (!allowed.includes(key)) throw invalidRequest(`Received unknown parameter: ${key}`, key, 'parameter_unknown');
  }
}

export function str(params: FormObject, name: string): string | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalidRequest(`Invalid string: ${JSON.stringify(v)}`, name, 'parameter_invalid_string');
  return v;
}

export function int(params: FormObject, name: string): number | undefined {
  const v = str(params, name);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw invalidRequest(`Invalid integer: ${v}`, name, 'parameter_invalid_integer');
  return Number(v);
}

export function bool(params: FormObject, name: string): boolean {
  const v = str(params, name);
  if (v === undefined) return false;
  if (v !== 'true' && v !== 'false') throw invalidRequest(`Invalid boolean: ${v}`, name, 'parameter_invalid_boolean');
  return v === 'true';
}

export function metadataOf(value: FormValue | undefined): Record<string, string> {
  if (value === undefined || value === '') return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidRequest('Invalid object', 'metadata', 'parameter_invalid_object');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw invalidRequest(`Invalid value for metadata[${k}]`, `metadata[${k}]`);
    if (k.length > 40) throw invalidRequest('Metadata keys can have up to 40 characters', `metadata[${k}]`);
    if (v.length > 500) throw invalidRequest('Metadata values can have up to 500 characters', `metadata[${k}]`);
    out[k] = v;
  }
  return out;
}
