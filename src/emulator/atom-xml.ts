/**
 * The ATOM/XML of Service Bus's HTTP management API, as far as ServiceBusAdministrationClient reads and writes it:
 * entries wrapping one `*Description`, feeds of entries with a `next` link for paging, and `<Error>` bodies.
 */

const ATOM = 'http://www.w3.org/2005/Atom';
export const SB_CONNECT = 'http://schemas.microsoft.com/netservices/2010/10/servicebus/connect';
export const SB_COUNTS = 'http://schemas.microsoft.com/netservices/2011/06/servicebus';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (e[0] !== '#') return named[e.toLowerCase()]!;
    return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

/**
 * The text of the first element `name` (any namespace prefix) in `xml`, or undefined when it is absent. The
 * descriptions the SDK sends hold their settings as leaf elements, so this is all the reading the API needs.
 */
export function leafText(xml: string, name: string): string | undefined {
  const m = new RegExp(`<(?:[\\w.-]+:)?${name}(?:\\s[^>]*)?(?:/>|>([^<]*)</(?:[\\w.-]+:)?${name}\\s*>)`).exec(xml);
  if (!m) return undefined;
  return unescapeXml(m[1] ?? '').trim();
}

/** The local name of the element inside `<content>` (QueueDescription, TopicDescription …), if any. */
export function contentRoot(xml: string): string | undefined {
  return /<(?:[\w.-]+:)?content\b[^>]*>\s*<(?:[\w.-]+:)?([A-Za-z]+Description)\b/.exec(xml)?.[1];
}

/** A leaf element per field, in the given order (Service Bus is strict about order when it reads; we mirror it). */
export function fields(values: Array<[string, string | number | boolean | undefined]>): string {
  return values
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<${k}>${escapeXml(String(v))}</${k}>`)
    .join('');
}

/** `PT1M`, `P14DT2H`: the TimeSpan form Service Bus writes; "infinite" is TimeSpan.MaxValue. */
export function isoDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return 'P10675199DT2H48M5.4775807S';
  let rest = Math.max(0, Math.round(ms));
  const days = Math.floor(rest / 86_400_000);
  rest -= days * 86_400_000;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = rest / 1000;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  if (!days && !time) return 'PT0S';
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}

export interface EntryParts {
  /** Absolute URL of the resource; the SDK takes entity names from its path. */
  id: string;
  title: string;
  created: Date;
  updated: Date;
  /** The `<XxxDescription …>…</XxxDescription>` element. */
  content: string;
}

export function entryXml(e: EntryParts, root = false): string {
  const ns = root ? ` xmlns="${ATOM}"` : '';
  return (
    `<entry${ns}><id>${escapeXml(e.id)}</id><title type="text">${escapeXml(e.title)}</title>` +
    `<published>${e.created.toISOString()}</published><updated>${e.updated.toISOString()}</updated>` +
    `<link rel="self" href="${escapeXml(e.id)}"/><content type="application/xml">${e.content}</content></entry>`
  );
}

/** A feed; `next` is the URL of the following page (the SDK reads `$skip` from it). */
export function feedXml(id: string, title: string, entries: EntryParts[], next?: string): string {
  const links = `<link rel="self" href="${escapeXml(id)}"/>${next ? `<link rel="next" href="${escapeXml(next)}"/>` : ''}`;
  return (
    `<?xml version="1.0" encoding="utf-8"?><feed xmlns="${ATOM}"><title type="text">${escapeXml(title)}</title>` +
    `<id>${escapeXml(id)}</id><updated>${new Date().toISOString()}</updated>${links}${entries.map((e) => entryXml(e)).join('')}</feed>`
  );
}

/** Service Bus's error body; the SDK shows `Detail` as the error message. */
export function errorXml(status: number, detail: string): string {
  return `<Error><Code>${status}</Code><Detail>${escapeXml(detail)}</Detail></Error>`;
}

/** `<Name xmlns=… xmlns:i=…>inner</Name>`, the content of an entry. */
export function description(name: string, inner: string): string {
  return `<${name} xmlns="${SB_CONNECT}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">${inner}</${name}>`;
}

/** The runtime counts block; the SDK needs exactly one `xmlns:<prefix>` attribute on it. */
export function countDetails(c: { active: number; deadLetter: number; scheduled: number; transfer: number; transferDeadLetter: number }): string {
  const p = 'd2p1';
  return (
    `<CountDetails xmlns:${p}="${SB_COUNTS}"><${p}:ActiveMessageCount>${c.active}</${p}:ActiveMessageCount>` +
    `<${p}:DeadLetterMessageCount>${c.deadLetter}</${p}:DeadLetterMessageCount>` +
    `<${p}:ScheduledMessageCount>${c.scheduled}</${p}:ScheduledMessageCount>` +
    `<${p}:TransferMessageCount>${c.transfer}</${p}:TransferMessageCount>` +
    `<${p}:TransferDeadLetterMessageCount>${c.transferDeadLetter}</${p}:TransferDeadLetterMessageCount></CountDetails>`
  );
}
