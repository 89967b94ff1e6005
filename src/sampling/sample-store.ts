import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { storableJson, storableText } from '../domain/storable-text';
import type { ThreadKey } from '../domain/thread-key';
import type { SampleKind, SolvedSignal, Stratum } from '../policy/sampling';
import type { Database, SamplesTable } from '../store/schema';

export type SampleRow = Selectable<SamplesTable>;

export function newSampleId(): string {
  return `s_${randomBytes(9).toString('base64url')}`;
}

export interface NewSample {
  tenant: string;
  provider: string;
  threadId: string;
  draftId: string | null;
  category: string;
  kind: SampleKind;
  stratum: Stratum;
  signals: SolvedSignal[];
  why: 'minimum' | 'rate';
  /** draft:<draft id> or solve:<delivery id> */
  subject: string;
  week: string;
}

/** Stores a sample; null when this item was sampled before (unique per tenant, provider and subject). */
export async function insertSample(db: Kysely<Database>, s: NewSample, now: Date): Promise<string | null> {
  const row = await db
    .insertInto('samples')
    .values({
      id: newSampleId(),
      tenant: s.tenant,
      provider: s.provider,
      thread_id: s.threadId,
      draft_id: s.draftId,
      category: storableText(s.category),
      kind: s.kind,
      stratum: s.stratum,
      signals: storableJson(s.signals),
      why: s.why,
      subject: s.subject,
      week: s.week,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['tenant', 'provider', 'subject']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function sampleBySubject(db: Kysely<Database>, key: { tenant: string; provider: string }, subject: string): Promise<SampleRow | undefined> {
  return db.selectFrom('samples').selectAll().where('tenant', '=', key.tenant).where('provider', '=', key.provider).where('subject', '=', subject).executeTakeFirst();
}

/** How many solved conversations of this category and stratum were sampled in this ISO week. */
export async function sampledInWeek(db: Kysely<Database>, q: { tenant: string; kind: SampleKind; category: string; stratum: Stratum; week: string }): Promise<number> {
  const row = await db
    .selectFrom('samples')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant', '=', q.tenant)
    .where('kind', '=', q.kind)
    .where('category', '=', q.category)
    .where('stratum', '=', q.stratum)
    .where('week', '=', q.week)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The samples of a thread, oldest first. */
export async function samplesOfThread(db: Kysely<Database>, key: ThreadKey): Promise<SampleRow[]> {
  return db.selectFrom('samples').selectAll().where('tenant', '=', key.tenant).where('provider', '=', key.provider).where('thread_id', '=', key.threadId).orderBy('created_at').orderBy('id').execute();
}

/** The newest sample about a draft, if it was sampled: what the helpdesk apps show. */
export async function sampleForDraft(db: Kysely<Database>, draftId: string): Promise<SampleRow | undefined> {
  return db.selectFrom('samples').selectAll().where('draft_id', '=', draftId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
}

/** The newest sample of a thread, if any of its drafts or solves was sampled. */
export async function sampleForThread(db: Kysely<Database>, key: ThreadKey): Promise<SampleRow | undefined> {
  return (await samplesOfThread(db, key)).pop();
}

/** Records how the review request reached the helpdesk (or, in shadow mode, what would have been written). */
export async function markSampleDelivered(db: Kysely<Database>, id: string, outcome: unknown, now: Date): Promise<void> {
  await db.updateTable('samples').set({ delivered_at: now, delivery: storableJson(outcome) }).where('id', '=', id).execute();
}
