import { readFileSync } from 'node:fs';
import { fromOfficialConfig, isOfficialConfig } from './config-official.js';

/** A correlation filter (Service Bus CorrelationRuleFilter): every field given must match exactly. */
export interface CorrelationFilter {
  correlationId?: string;
  messageId?: string;
  to?: string;
  replyTo?: string;
  subject?: string;
  sessionId?: string;
  replyToSessionId?: string;
  contentType?: string;
  applicationProperties?: Record<string, string | number | boolean>;
}

type Duration = string | number;

/** Per-queue (and per-subscription) settings as written in entities.json. */
export interface QueueConfig {
  name: string;
  lockDuration?: Duration;
  maxDeliveryCount?: number;
  defaultMessageTimeToLive?: Duration;
  deadLetteringOnMessageExpiration?: boolean;
  requiresDuplicateDetection?: boolean;
  duplicateDetectionHistoryTimeWindow?: Duration;
  /** Receivers must accept a session; every message must carry a SessionId. */
  requiresSession?: boolean;
}

export interface SubscriptionConfig extends Omit<QueueConfig, 'requiresDuplicateDetection' | 'duplicateDetectionHistoryTimeWindow'> {
  /** One correlation filter; a message matching any of `filter` or `rules` is copied in. Neither: every message. */
  filter?: CorrelationFilter;
  rules?: Array<{ name: string; filter: CorrelationFilter }>;
}

export interface TopicConfig {
  name: string;
  defaultMessageTimeToLive?: Duration;
  requiresDuplicateDetection?: boolean;
  duplicateDetectionHistoryTimeWindow?: Duration;
  subscriptions?: SubscriptionConfig[];
}

/** The entities the emulator serves. With a config, unknown entities are refused; without one they are created on first use. */
export interface EmulatorConfig {
  queues?: QueueConfig[];
  topics?: TopicConfig[];
}

/** The effective settings of one queue or subscription. */
export interface QueueSettings {
  lockDurationMs: number;
  maxDeliveryCount: number;
  defaultTtlMs?: number;
  deadLetterOnExpiration: boolean;
  requiresDuplicateDetection: boolean;
  duplicateWindowMs: number;
  requiresSession: boolean;
}

/** The config file or object is not valid; the message names the field. */
export class EmulatorConfigError extends Error {
  override name = 'EmulatorConfigError';
}

/** Reads and validates a config given as an object or a path to a JSON file. */
export function loadEmulatorConfig(config: EmulatorConfig | string): EmulatorConfig {
  let raw: unknown = config;
  let where = 'config';
  if (typeof config === 'string') {
    where = config;
    let text: string;
    try {
      text = readFileSync(config, 'utf8');
    } catch (error) {
      throw new EmulatorConfigError(`cannot read ${config}: ${(error as Error).message}`);
    }
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new EmulatorConfigError(`${config} is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (isOfficialConfig(raw)) raw = fromOfficialConfig(raw);
  return validate(raw, where);
}

function validate(raw: unknown, where: string): EmulatorConfig {
  const fail = (path: string, what: string): never => {
    throw new EmulatorConfigError(`${where}: ${path} ${what}`);
  };
  if (!isObject(raw)) return fail('(top level)', 'must be an object with "queues" and/or "topics"');
  for (const key of Object.keys(raw)) if (key !== 'queues' && key !== 'topics') fail(key, 'is not a known field (expected "queues", "topics")');
  const checkEntity = (e: unknown, path: string, kind: 'queue' | 'topic' | 'subscription'): void => {
    if (!isObject(e)) return fail(path, 'must be an object');
    if (typeof e.name !== 'string' || e.name.trim() === '' || /[\s]|\/\$|^\//.test(e.name)) fail(`${path}.name`, 'must be a non-empty entity name');
    for (const f of ['lockDuration', 'defaultMessageTimeToLive', 'duplicateDetectionHistoryTimeWindow']) {
      if (e[f] !== undefined) parseDurationMs(e[f], `${path}.${f}`, fail);
    }
    if (e.maxDeliveryCount !== undefined && !(Number.isInteger(e.maxDeliveryCount) && (e.maxDeliveryCount as number) >= 1)) {
      fail(`${path}.maxDeliveryCount`, 'must be a whole number of at least 1');
    }
    for (const f of ['deadLetteringOnMessageExpiration', 'requiresDuplicateDetection', 'requiresSession']) {
      if (e[f] !== undefined && typeof e[f] !== 'boolean') fail(`${path}.${f}`, 'must be true or false');
    }
    if (kind === 'subscription') {
      if (e.filter !== undefined) checkFilter(e.filter, `${path}.filter`, fail);
      if (e.rules !== undefined) {
        if (!Array.isArray(e.rules)) fail(`${path}.rules`, 'must be an array');
        (e.rules as unknown[]).forEach((r, i) => {
          if (!isObject(r) || typeof r.name !== 'string') fail(`${path}.rules[${i}]`, 'must be {"name", "filter"}');
          checkFilter((r as Record<string, unknown>).filter, `${path}.rules[${i}].filter`, fail);
        });
      }
    }
  };
  const list = (value: unknown, path: string): unknown[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value)) return fail(path, 'must be an array');
    return value;
  };
  const seen = new Set<string>();
  const unique = (name: unknown, path: string): void => {
    const key = String(name).toLowerCase();
    if (seen.has(key)) fail(path, `declares "${String(name)}" twice (names are case-insensitive)`);
    seen.add(key);
  };
  list(raw.queues, 'queues').forEach((q, i) => {
    checkEntity(q, `queues[${i}]`, 'queue');
    unique((q as QueueConfig).name, `queues[${i}].name`);
  });
  list(raw.topics, 'topics').forEach((t, i) => {
    checkEntity(t, `topics[${i}]`, 'topic');
    if ((t as Record<string, unknown>).requiresSession !== undefined) {
      fail(`topics[${i}].requiresSession`, 'belongs on a subscription (a topic has no receivers)');
    }
    unique((t as TopicConfig).name, `topics[${i}].name`);
    const subs = new Set<string>();
    list((t as Record<string, unknown>).subscriptions, `topics[${i}].subscriptions`).forEach((s, j) => {
      checkEntity(s, `topics[${i}].subscriptions[${j}]`, 'subscription');
      const key = (s as SubscriptionConfig).name.toLowerCase();
      if (subs.has(key)) fail(`topics[${i}].subscriptions[${j}].name`, 'is declared twice');
      subs.add(key);
    });
  });
  return raw as EmulatorConfig;
}

const FILTER_FIELDS = ['correlationId', 'messageId', 'to', 'replyTo', 'subject', 'sessionId', 'replyToSessionId', 'contentType'];

function checkFilter(filter: unknown, path: string, fail: (p: string, w: string) => never): void {
  if (!isObject(filter)) return fail(path, 'must be an object');
  for (const [key, value] of Object.entries(filter)) {
    if (key === 'applicationProperties') {
      if (!isObject(value)) fail(`${path}.${key}`, 'must be an object');
      for (const [k, v] of Object.entries(value as object)) {
        if (!['string', 'number', 'boolean'].includes(typeof v)) fail(`${path}.${key}.${k}`, 'must be a string, number or boolean');
      }
    } else if (!FILTER_FIELDS.includes(key)) {
      fail(`${path}.${key}`, `is not a correlation filter field (${[...FILTER_FIELDS, 'applicationProperties'].join(', ')})`);
    } else if (typeof value !== 'string') {
      fail(`${path}.${key}`, 'must be a string');
    }
  }
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `30s`, `5m`, `1h`, `14d`, ISO 8601 `PT30S` / `P14D`, or a number of milliseconds. */
export function parseDurationMs(value: unknown, path: string, fail: (p: string, w: string) => never): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const simple = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim());
    if (simple) return Math.round(Number(simple[1]) * UNITS[simple[2] ?? 'ms']!);
    const iso = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(value.trim());
    if (iso && value.trim().length > 1) {
      const [, d, h, m, s] = iso;
      return Math.round(Number(d ?? 0) * UNITS.d! + Number(h ?? 0) * UNITS.h! + Number(m ?? 0) * UNITS.m! + Number(s ?? 0) * 1000);
    }
  }
  return fail(path, 'must be a duration such as "30s", "5m", "PT1M" or a number of milliseconds');
}

/** Effective settings from a declaration and the emulator-wide defaults. */
export function settingsFor(
  decl: Partial<QueueConfig> | undefined,
  defaults: { lockDurationMs: number; maxDeliveryCount: number },
  inherited: Partial<QueueConfig> = {},
): QueueSettings {
  const fail = (p: string, w: string): never => {
    throw new EmulatorConfigError(`${p} ${w}`);
  };
  const d = { ...inherited, ...decl };
  const ttl = d.defaultMessageTimeToLive === undefined ? undefined : parseDurationMs(d.defaultMessageTimeToLive, 'defaultMessageTimeToLive', fail);
  return {
    lockDurationMs: d.lockDuration === undefined ? defaults.lockDurationMs : parseDurationMs(d.lockDuration, 'lockDuration', fail),
    maxDeliveryCount: d.maxDeliveryCount ?? defaults.maxDeliveryCount,
    // Service Bus's "infinite" TTL is TimeSpan.MaxValue; anything beyond a century is treated as none.
    defaultTtlMs: ttl !== undefined && ttl > 0 && ttl < 100 * 365 * UNITS.d! ? ttl : undefined,
    deadLetterOnExpiration: d.deadLetteringOnMessageExpiration ?? false,
    requiresDuplicateDetection: d.requiresDuplicateDetection ?? false,
    duplicateWindowMs:
      d.duplicateDetectionHistoryTimeWindow === undefined
        ? 10 * UNITS.m!
        : parseDurationMs(d.duplicateDetectionHistoryTimeWindow, 'duplicateDetectionHistoryTimeWindow', fail),
    requiresSession: d.requiresSession ?? false,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
