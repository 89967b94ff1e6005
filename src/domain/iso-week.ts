import { z } from 'zod';

/**
 * ISO 8601 weeks, written `YYYY-Www` (`2026-W48`): Monday to Sunday, week 1 holding the year's first
 * Thursday. A week runs from Monday 00:00 UTC to the next Monday 00:00 UTC: the reports', the
 * lifecycle's weekly figures', the sampling strata's and the dashboard's. Pure.
 */

export const ISO_WEEK_FORMAT = 'YYYY-Www, an ISO week such as 2026-W48 (week 01 to 52, or 53 in a long year)';

const DAY_MS = 86_400_000;

export interface WeekRange {
  week: string;
  /** Monday 00:00 UTC */
  from: Date;
  /** the next Monday 00:00 UTC (excluded) */
  to: Date;
}

/** Monday 00:00 UTC of week 1 of an ISO year: the week of January 4th. */
function firstMonday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return jan4 - weekday * DAY_MS;
}

/** 52 or 53: a year has 53 weeks when the next one's week 1 starts 53 weeks after its own. */
export function weeksInYear(year: number): number {
  return Math.round((firstMonday(year + 1) - firstMonday(year)) / (7 * DAY_MS));
}

/** The days of an ISO week, in its order (Monday first). */
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The ISO week a moment falls in (UTC). */
export function isoWeekOf(at: Date): string {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  // the Thursday of this week decides the ISO year
  const thursday = day + (3 - ((new Date(day).getUTCDay() + 6) % 7)) * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - firstMonday(year)) / (7 * DAY_MS));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The Monday 00:00 UTC that starts the ISO week `weeksBack` weeks before the one of `at`. */
export function weekStart(at: Date, weeksBack = 0): Date {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  return new Date(day - (((new Date(day).getUTCDay() + 6) % 7) + 7 * weeksBack) * DAY_MS);
}

export function weekRange(week: string): WeekRange {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) throw new Error(`not an ISO week: ${week}`);
  const from = firstMonday(Number(m[1])) + (Number(m[2]) - 1) * 7 * DAY_MS;
  return { week, from: new Date(from), to: new Date(from + 7 * DAY_MS) };
}

/** A week as the API and the CLI take it; anything else is refused naming the format. */
export const isoWeekSchema = z
  .string({ message: `expected ${ISO_WEEK_FORMAT}` })
  .regex(/^\d{4}-W\d{2}$/, `expected ${ISO_WEEK_FORMAT}`)
  .refine((w) => {
    const year = Number(w.slice(0, 4));
    const week = Number(w.slice(6));
    return year >= 1970 && week >= 1 && week <= weeksInYear(year);
  }, `no such week: expected ${ISO_WEEK_FORMAT}`);
