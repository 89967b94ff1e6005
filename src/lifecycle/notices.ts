import type { ModeChangeView } from './mode-store';
import type { WeekRow } from './lifecycle-stats';

/**
 * What admins are told (GET /api/categories `notices`, the apps): the latest automatic demotions, and
 * a reject reason given `threshold` times or more in one category in one ISO week. Pure.
 */
export type Notice =
  | { kind: 'auto_demotion'; category: string; at: string; message: string }
  | { kind: 'repeated_reason'; category: string; week: string; reason: string; count: number; message: string };

/** The reject reasons given `threshold` times or more, most often first (then by name). */
export function repeatedReasons(rejectReasons: Readonly<Record<string, number>>, threshold: number): { reason: string; count: number }[] {
  return Object.entries(rejectReasons)
    .filter(([, count]) => count >= threshold)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([reason, count]) => ({ reason, count }));
}

export function noticesOf(demotions: readonly ModeChangeView[], weeks: readonly WeekRow[], threshold: number, limit: number): Notice[] {
  const demoted: Notice[] = demotions.map((d) => ({ kind: 'auto_demotion', category: d.category, at: d.at, message: `${d.category} went back to review: ${d.why}` }));
  const repeated: Notice[] = [];
  for (const w of [...weeks].sort((a, b) => b.week.localeCompare(a.week))) {
    for (const { reason, count } of repeatedReasons(w.tally.reject_reasons, threshold)) {
      repeated.push({ kind: 'repeated_reason', category: w.category, week: w.week, reason, count, message: `${w.category}: ${count} drafts rejected as ${reason} in ${w.week}` });
    }
  }
  return [...demoted, ...repeated].slice(0, limit);
}
