import { isoWeekOf, Weekday, WEEKDAYS, weekStart } from '../domain/iso-week';

/**
 * When the weekly digest is due (docs/digest.md, Schedule): the digest of a week is posted on the
 * configured weekday and hour (UTC) of the week after it, so it reports a finished week. Pure.
 */

export interface DigestSchedule {
  weekday: Weekday;
  hour_utc: number;
}

const DAY_MS = 86_400_000;

/** The moment the digest of the week before the one holding `at` is due. */
export function postTimeOf(at: Date, schedule: DigestSchedule): Date {
  return new Date(weekStart(at).getTime() + WEEKDAYS.indexOf(schedule.weekday) * DAY_MS + schedule.hour_utc * 3_600_000);
}

/**
 * The latest week whose digest is due at `now`: the last week once this week's post time has passed,
 * else the week before it (whose post time passed a week ago; the store knows whether it went out).
 */
export function dueWeek(now: Date, schedule: DigestSchedule): string {
  const weeksBack = now.getTime() >= postTimeOf(now, schedule).getTime() ? 1 : 2;
  return isoWeekOf(weekStart(now, weeksBack));
}
