/**
 * Message times as the helpdesks write them, in ISO 8601 with different precision: whole seconds
 * (the Zendesk API, Intercom's unix seconds), milliseconds (draftpilot's own clock) and nanoseconds
 * (Zendesk event times such as `2025-01-08T14:25:30.123456789Z`). Compared as text they sort wrong
 * (`…:30.1Z` sorts before `…:30Z`, "." being below "Z"), and Date.parse drops what follows the
 * millisecond. An instant is read here as milliseconds since the epoch plus the nanoseconds within
 * that millisecond, so two messages within one second keep their order.
 */
export interface Instant {
  /** milliseconds since 1970-01-01T00:00:00Z */
  ms: number;
  /** nanoseconds within that millisecond, 0..999999 (0 when the text gives no more than milliseconds) */
  nanos: number;
}

const ISO = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::(\d{2}))?(?:[.,](\d{1,9})\d*)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** The instant an ISO 8601 time names, or null when the text is not one. A time without a zone is UTC. */
export function parseInstant(text: string): Instant | null {
  const m = ISO.exec(text.trim());
  if (!m) return null;
  const [, date, hm, seconds = '00', fraction = '', zone = 'Z'] = m;
  const digits = fraction.padEnd(9, '0');
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 3 ? `${zone}:00` : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const ms = Date.parse(`${date}T${hm}:${seconds}.${digits.slice(0, 3)}${offset}`);
  if (Number.isNaN(ms)) return null;
  return { ms, nanos: Number(digits.slice(3)) };
}

/**
 * Orders two times by the instants they name. A time that cannot be read sorts after every readable
 * one (and equal to another unreadable one): callers keep a stable tie-breaker of their own.
 */
export function compareTimes(a: string, b: string): number {
  const x = parseInstant(a);
  const y = parseInstant(b);
  if (!x || !y) return x ? -1 : y ? 1 : 0;
  return x.ms - y.ms || x.nanos - y.nanos;
}

/** Whether the text is an ISO 8601 time (for schemas at the edge). */
export function isInstant(text: string): boolean {
  return parseInstant(text) !== null;
}
