import { Kysely, sql } from 'kysely';
import type { Database } from '../store/schema';

/**
 * The digests table (migration 0013): which week's digest went out. A scheduled post claims its week
 * first, in one statement, so of several processes one posts; a failed post is tried again after
 * `retryAfterMs`, up to `maxAttempts`; a claim left by a process that died mid-post expires after
 * `staleAfterMs`.
 */

export interface ClaimRules {
  maxAttempts: number;
  retryAfterMs: number;
  staleAfterMs: number;
}

export interface DigestRecord {
  week: string;
  status: 'posting' | 'posted' | 'failed';
  attempts: number;
  claimed_at: string;
  posted_at: string | null;
  trigger: 'schedule' | 'manual';
  error: string | null;
}

/** The attempt number when this caller may post the week's digest now; null when another has, or will. */
export async function claimWeek(db: Kysely<Database>, week: string, now: Date, rules: ClaimRules): Promise<number | null> {
  const retryBefore = new Date(now.getTime() - rules.retryAfterMs).toISOString();
  const staleBefore = new Date(now.getTime() - rules.staleAfterMs).toISOString();
  const { rows } = await sql<{ attempts: number }>`
    insert into digests (week, status, attempts, claimed_at, trigger) values (${week}, 'posting', 1, ${now.toISOString()}::timestamptz, 'schedule')
    on conflict (week) do update set status = 'posting', attempts = digests.attempts + 1, claimed_at = excluded.claimed_at, error = null
    where (digests.status = 'failed' and digests.attempts < ${rules.maxAttempts} and digests.claimed_at < ${retryBefore}::timestamptz)
       or (digests.status = 'posting' and digests.claimed_at < ${staleBefore}::timestamptz)
    returning attempts`.execute(db);
  return rows[0] ? Number(rows[0].attempts) : null;
}

export async function recordPosted(db: Kysely<Database>, week: string, at: Date, trigger: 'schedule' | 'manual'): Promise<void> {
  await db
    .insertInto('digests')
    .values({ week, status: 'posted', attempts: 1, claimed_at: at, posted_at: at, trigger, error: null })
    .onConflict((oc) => oc.column('week').doUpdateSet({ status: 'posted', posted_at: at, trigger, error: null }))
    .execute();
}

export async function recordFailed(db: Kysely<Database>, week: string, error: string): Promise<void> {
  await db.updateTable('digests').set({ status: 'failed', error: error.slice(0, 500) }).where('week', '=', week).execute();
}

export async function digestRecord(db: Kysely<Database>, week: string): Promise<DigestRecord | null> {
  const row = await db.selectFrom('digests').selectAll().where('week', '=', week).executeTakeFirst();
  if (!row) return null;
  const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
  return { week: row.week, status: row.status as DigestRecord['status'], attempts: Number(row.attempts), claimed_at: iso(row.claimed_at)!, posted_at: iso(row.posted_at), trigger: row.trigger as DigestRecord['trigger'], error: row.error };
}
