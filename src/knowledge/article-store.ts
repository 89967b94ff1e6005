import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema';
import type { Article } from './article';

/** What one sync did to a tenant's stored articles. */
export interface UpsertCounts {
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
}

export interface UpsertResult extends UpsertCounts {
  /** ids of the articles deleted from the store */
  removedIds: string[];
}

export interface UpsertOptions {
  /**
   * The batch is the tenant's whole help center: stored articles missing from it (archived,
   * unpublished, deleted) are removed. Leave false for a partial batch.
   */
  complete?: boolean;
  /** ids to remove whatever the batch holds (an incremental source reporting deletions) */
  remove?: string[];
  /** the source's cursor after this batch, saved in the same transaction */
  cursor?: { source: string; value: string | null };
  now?: Date;
}

/** Rows per statement: 9 parameters each, far below Postgres's 65,535 and fast on PGlite. */
const CHUNK = 200;

/** What the index reads; the provider's update time is left out (a new comment bumps it, the text stays). */
export function contentHash(a: Pick<Article, 'title' | 'url' | 'locale' | 'body'>): string {
  return createHash('sha256').update(`${a.title}\u0000${a.url}\u0000${a.locale}\u0000${a.body}`).digest('hex');
}

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function validDate(iso: string | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Runs fn in a transaction, or in the caller's when it already is one (Kysely has no nesting). */
function inTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/**
 * Writes a batch of one tenant's articles: new ones inserted, changed ones (another content hash)
 * updated, unchanged ones not touched; with `complete`, stored articles absent from the batch are
 * deleted. One transaction, so a failed sync leaves the previous state whole.
 */
export async function upsertArticles(db: Kysely<Database>, tenant: string, articles: Article[], options: UpsertOptions = {}): Promise<UpsertResult> {
  const now = options.now ?? new Date();
  // One row per id (a listing may repeat an article across pages); the last one wins.
  const batch = new Map<string, Article>();
  for (const a of articles) batch.set(a.id, a);
  return inTransaction(db, async (trx) => {
    const stored = new Map(
      (await trx.selectFrom('articles').select(['id', 'content_hash']).where('tenant', '=', tenant).execute()).map((r) => [r.id, r.content_hash]),
    );
    let added = 0;
    let updated = 0;
    let unchanged = 0;
    const writes: { article: Article; hash: string }[] = [];
    for (const a of batch.values()) {
      const hash = contentHash(a);
      const before = stored.get(a.id);
      if (before === hash) {
        unchanged++;
        continue;
      }
      if (before === undefined) added++;
      else updated++;
      writes.push({ article: a, hash });
    }
    for (const part of chunks(writes)) {
      await trx
        .insertInto('articles')
        .values(part.map((w) => rowOf(w, tenant, now)))
        .onConflict((oc) =>
          oc.columns(['tenant', 'id']).doUpdateSet((eb) => ({
            title: eb.ref('excluded.title'),
            url: eb.ref('excluded.url'),
            locale: eb.ref('excluded.locale'),
            body: eb.ref('excluded.body'),
            updated_at: eb.ref('excluded.updated_at'),
            content_hash: eb.ref('excluded.content_hash'),
            synced_at: eb.ref('excluded.synced_at'),
          })),
        )
        .execute();
    }
    const gone = new Set(options.remove?.filter((id) => stored.has(id) && !batch.has(id)) ?? []);
    if (options.complete) for (const id of stored.keys()) if (!batch.has(id)) gone.add(id);
    const removedIds = [...gone];
    for (const part of chunks(removedIds)) {
      await trx.deleteFrom('articles').where('tenant', '=', tenant).where('id', 'in', part).execute();
    }
    if (options.cursor) await saveSyncCursor(trx, tenant, options.cursor.source, options.cursor.value, now);
    return { added, updated, unchanged, removed: removedIds.length, removedIds };
  });
}

function rowOf(w: { article: Article; hash: string }, tenant: string, now: Date) {
  return {
    tenant,
    id: w.article.id,
    title: w.article.title,
    url: w.article.url,
    locale: w.article.locale,
    body: w.article.body,
    updated_at: validDate(w.article.updatedAt),
    content_hash: w.hash,
    synced_at: now,
  };
}

/** Every stored article of a tenant, in id order. */
export async function loadArticles(db: Kysely<Database>, tenant: string): Promise<Article[]> {
  const rows = await db.selectFrom('articles').select(['id', 'title', 'url', 'locale', 'body', 'updated_at']).where('tenant', '=', tenant).orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    url: r.url,
    locale: r.locale,
    body: r.body,
    ...(r.updated_at ? { updatedAt: new Date(r.updated_at).toISOString() } : {}),
  }));
}

export async function countArticles(db: Kysely<Database>, tenant: string): Promise<number> {
  const row = await db.selectFrom('articles').select((eb) => eb.fn.countAll<string>().as('n')).where('tenant', '=', tenant).executeTakeFirst();
  return Number(row?.n ?? 0);
}

export interface SyncCursor {
  cursor: string | null;
  syncedAt: Date;
}

export async function loadSyncCursor(db: Kysely<Database>, tenant: string, source: string): Promise<SyncCursor | undefined> {
  const row = await db.selectFrom('knowledge_sync').select(['cursor', 'synced_at']).where('tenant', '=', tenant).where('source', '=', source).executeTakeFirst();
  return row ? { cursor: row.cursor, syncedAt: new Date(row.synced_at) } : undefined;
}

export async function saveSyncCursor(db: Kysely<Database>, tenant: string, source: string, cursor: string | null, now = new Date()): Promise<void> {
  await db
    .insertInto('knowledge_sync')
    .values({ tenant, source, cursor, synced_at: now })
    .onConflict((oc) => oc.columns(['tenant', 'source']).doUpdateSet({ cursor, synced_at: now }))
    .execute();
}
