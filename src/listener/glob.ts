/**
 * Event-type globs for --events and --route: `*` matches any run of characters (dots included, so
 * `customer.*` takes `customer.subscription.created`), `?` one character; everything else is literal.
 */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

/** A matcher for a list of globs; an event without a type matches only `*`. */
export function eventMatcher(patterns: string[]): (type: string | null | undefined) => boolean {
  const regexps = patterns.map(globToRegExp);
  const matchesAll = patterns.includes('*');
  return (type) => (type ? regexps.some((r) => r.test(type)) : matchesAll);
}
