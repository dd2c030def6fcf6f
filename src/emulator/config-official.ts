import type { CorrelationFilter, EmulatorConfig, QueueConfig, SubscriptionConfig, TopicConfig } from './config.js';

/**
 * Microsoft's Docker-based Service Bus emulator reads a `Config.json` of the shape
 * `{UserConfig: {Namespaces: [{Queues: [{Name, Properties}], Topics: [{Name, Properties, Subscriptions: [...]}]}]}}`.
 * Accepting it lets people bring the file they already have; it is converted to the emulator's own format.
 */
export function isOfficialConfig(raw: unknown): raw is OfficialConfig {
  return typeof raw === 'object' && raw !== null && 'UserConfig' in raw;
}

interface OfficialEntity {
  Name?: unknown;
  Properties?: Record<string, unknown>;
}

interface OfficialConfig {
  UserConfig?: { Namespaces?: Array<{ Queues?: OfficialEntity[]; Topics?: Array<OfficialEntity & { Subscriptions?: OfficialSubscription[] }> }> };
}

interface OfficialSubscription extends OfficialEntity {
  Rules?: Array<{ Name?: unknown; Properties?: { FilterType?: unknown; CorrelationFilter?: Record<string, unknown> } }>;
}

function queueFields(p: Record<string, unknown> = {}): Partial<QueueConfig> {
  const out: Record<string, unknown> = {};
  const map: Record<string, keyof QueueConfig> = {
    LockDuration: 'lockDuration',
    MaxDeliveryCount: 'maxDeliveryCount',
    DefaultMessageTimeToLive: 'defaultMessageTimeToLive',
    DeadLetteringOnMessageExpiration: 'deadLetteringOnMessageExpiration',
    RequiresDuplicateDetection: 'requiresDuplicateDetection',
    DuplicateDetectionHistoryTimeWindow: 'duplicateDetectionHistoryTimeWindow',
    RequiresSession: 'requiresSession',
  };
  for (const [from, to] of Object.entries(map)) if (p[from] !== undefined) out[to] = p[from];
  return out as Partial<QueueConfig>;
}

function correlation(f: Record<string, unknown> = {}): CorrelationFilter {
  const out: Record<string, unknown> = {};
  const map: Record<string, keyof CorrelationFilter> = {
    CorrelationId: 'correlationId',
    MessageId: 'messageId',
    To: 'to',
    ReplyTo: 'replyTo',
    Label: 'subject',
    Subject: 'subject',
    SessionId: 'sessionId',
    ReplyToSessionId: 'replyToSessionId',
    ContentType: 'contentType',
    Properties: 'applicationProperties',
  };
  for (const [from, to] of Object.entries(map)) if (f[from] !== undefined && f[from] !== '') out[to] = f[from];
  return out as CorrelationFilter;
}

/** The same entities in the emulator's own format (only the first namespace; SQL rules are not supported). */
export function fromOfficialConfig(raw: OfficialConfig): EmulatorConfig {
  const ns = raw.UserConfig?.Namespaces?.[0] ?? {};
  const queues: QueueConfig[] = (ns.Queues ?? []).map((q) => ({ name: String(q.Name), ...queueFields(q.Properties) }));
  const topics: TopicConfig[] = (ns.Topics ?? []).map((t) => {
    const subscriptions: SubscriptionConfig[] = (t.Subscriptions ?? []).map((s) => {
      const { requiresDuplicateDetection: _r, duplicateDetectionHistoryTimeWindow: _w, ...fields } = queueFields(s.Properties);
      const rules = (s.Rules ?? [])
        .filter((r) => String(r.Properties?.FilterType ?? 'Correlation').toLowerCase() === 'correlation')
        .map((r) => ({ name: String(r.Name), filter: correlation(r.Properties?.CorrelationFilter) }));
      return { name: String(s.Name), ...fields, ...(rules.length > 0 ? { rules } : {}) };
    });
    const p = queueFields(t.Properties);
    return {
      name: String(t.Name),
      ...(p.defaultMessageTimeToLive !== undefined ? { defaultMessageTimeToLive: p.defaultMessageTimeToLive } : {}),
      ...(p.requiresDuplicateDetection !== undefined ? { requiresDuplicateDetection: p.requiresDuplicateDetection } : {}),
      ...(p.duplicateDetectionHistoryTimeWindow !== undefined
        ? { duplicateDetectionHistoryTimeWindow: p.duplicateDetectionHistoryTimeWindow }
        : {}),
      subscriptions,
    };
  });
  return { queues, topics };
}
