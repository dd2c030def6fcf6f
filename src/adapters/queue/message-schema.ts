import * as z from 'zod/mini';
import { UsageError } from '../../core/errors.js';
import { DECIMAL_BYTES, INTEGER_TYPES, inIntegerRange, type AmqpTypeName } from './typed-values.js';

/*
 * Validation of `send --file` lines: the on-disk shape (see message-codec.ts), with messages that name the file,
 * the line and the field. zod/mini, like core/config: the classic API costs tens of milliseconds at start-up.
 */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BinarySchema = z.strictObject({ $binary: z.string().check(z.regex(BASE64, 'must be base64')) });
const DateSchema = z.strictObject({
  $date: z.string().check(z.refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date')),
});
const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const FLOAT = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);
const wrapped = (type: AmqpTypeName, value: z.core.$ZodType) => z.strictObject({ [`$${type}`]: value });
/** The typed property wrappers of typed-values.ts, each checked for its type's range or form. */
const TypedSchemas = [
  ...INTEGER_TYPES.map((t) => wrapped(t, z.number().check(z.refine((n) => inIntegerRange(t, n), `must be a whole number in the ${t} range`)))),
  wrapped('long', z.string().check(z.regex(/^-?\d+$/, 'must be a decimal string'), z.refine((s) => BigInt(s) >= -(2n ** 63n) && BigInt(s) < 2n ** 63n, 'out of the long range'))),
  wrapped('ulong', z.string().check(z.regex(/^\d+$/, 'must be a decimal string'), z.refine((s) => BigInt(s) < 2n ** 64n, 'out of the ulong range'))),
  wrapped('float', FLOAT),
  wrapped('double', FLOAT),
  ...(['decimal32', 'decimal64', 'decimal128'] as const).map((t) =>
    wrapped(t, z.string().check(z.regex(HEX), z.refine((s) => s.length === DECIMAL_BYTES[t]! * 2, `must be ${DECIMAL_BYTES[t]} bytes in hex`))),
  ),
  wrapped('uuid', z.string().check(z.regex(/^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/, 'must be a GUID'))),
  wrapped('symbol', z.string().check(z.regex(/^[\x00-\x7f]*$/, 'must be ASCII'))),
  wrapped('char', z.string().check(z.refine((s) => [...s].length === 1, 'must be one character'))),
];
const PropertySchema = z.union([z.string(), z.number(), z.boolean(), z.null(), DateSchema, BinarySchema, ...TypedSchemas]);
const IdSchema = z.union([z.string(), z.number(), BinarySchema, z.null()]);
const optionalText = z.nullish(z.string());

const BodySchema = z.json().check(
  z.refine(
    (value) =>
      !(typeof value === 'object' && value !== null && !Array.isArray(value) && '$binary' in value) ||
      z.safeParse(BinarySchema, value).success,
    '{"$binary": …} must hold only a base64 string',
  ),
);

/** One NDJSON line of `send --file`: the on-disk shape; only `body` is required, broker-assigned fields are ignored. */
export const MessageLineSchema = z.strictObject({
  body: BodySchema,
  bodyType: z.optional(z.enum(['value', 'sequence'])),
  messageId: z.optional(IdSchema),
  correlationId: z.optional(IdSchema),
  contentType: optionalText,
  subject: optionalText,
  sessionId: optionalText,
  replyTo: optionalText,
  replyToSessionId: optionalText,
  to: optionalText,
  partitionKey: optionalText,
  timeToLive: z.nullish(z.number().check(z.int(), z.positive())),
  applicationProperties: z.nullish(z.record(z.string(), PropertySchema)),
  sequenceNumber: z.nullish(z.string().check(z.regex(/^\d+$/, 'must be a decimal string'))),
  enqueuedTimeUtc: optionalText,
  deliveryCount: z.nullish(z.number().check(z.int(), z.nonnegative())),
  deadLetterReason: optionalText,
  deadLetterErrorDescription: optionalText,
  deadLetterSource: optionalText,
});
export type MessageLine = z.infer<typeof MessageLineSchema>;

/** Parses one line; a broken line is a UsageError naming the file, the line and the field. */
export function parseMessageLine(text: string, lineNumber: number, file: string): MessageLine {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} line ${lineNumber}: not valid JSON (${(error as Error).message})`, {
      hint: 'each line must be one message object, as `queue drain` writes them; nothing was sent',
    });
  }
  const parsed = z.safeParse(MessageLineSchema, raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    const missing = issue.path.length === 1 && typeof raw === 'object' && raw !== null && !(String(issue.path[0]) in raw);
    throw new UsageError(`${file} line ${lineNumber}: ${where}${missing ? 'is required' : describeIssue(issue)}`, {
      hint: 'fix that line (see "Messages on disk" in the README); nothing was sent',
    });
  }
  return parsed.data;
}

interface Issue {
  code: string;
  minimum?: unknown;
  message: string;
  keys?: string[];
  expected?: string;
  path: PropertyKey[];
}

/** zod/mini carries no English messages: say what was wrong in words a user can act on. */
function describeIssue(issue: Issue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown field${issue.keys && issue.keys.length > 1 ? 's' : ''} ${(issue.keys ?? []).map((k) => `"${k}"`).join(', ')}`;
  }
  if (issue.message && issue.message !== 'Invalid input') return issue.message;
  const field = String(issue.path[issue.path.length - 1] ?? '');
  if (issue.code === 'invalid_type' && issue.expected) {
    return issue.expected === 'nonoptional' || issue.expected === 'undefined' ? 'is required' : `expected ${issue.expected}`;
  }
  if (issue.code === 'too_small' || issue.code === 'too_big') {
    return `out of range (${field === 'timeToLive' ? 'milliseconds, more than 0' : 'a whole number, 0 or more'})`;
  }
  if (issue.code === 'invalid_union') {
    const what = EXPECTED[field] ?? (issue.path[0] === 'applicationProperties' ? EXPECTED.property : undefined);
    return what ? `expected ${what}` : 'invalid value';
  }
  return 'invalid value';
}

const EXPECTED: Record<string, string> = {
  messageId: 'a string, a number or {"$binary": base64}',
  correlationId: 'a string, a number or {"$binary": base64}',
  property: 'a string, number, boolean, null, {"$date": iso}, {"$binary": base64} or a typed value such as {"$int": 5} (see the README)',
};

