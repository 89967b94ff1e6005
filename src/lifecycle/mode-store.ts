import type { Kysely } from 'kysely';
import { storableJson } from '../domain/storable-text';
import type { Database } from '../store/schema';
import type { StoredMode } from './state-machine';

/** The stored modes and their audit (migration 0010): thin queries, no policy. */

export interface StoredCategoryMode {
  category: string;
  mode: StoredMode;
  changed_at: Date;
  changed_by: string;
}

/** A tenant's stored modes, by category (a category without one has the categories file's mode). */
export async function storedModes(db: Kysely<Database>, tenant: string): Promise<Map<string, StoredCategoryMode>> {
  const rows = await db.selectFrom('category_modes').select(['category', 'mode', 'changed_at', 'changed_by']).where('tenant', '=', tenant).execute();
  return new Map(rows.map((r) => [r.category, { category: r.category, mode: r.mode as StoredMode, changed_at: new Date(r.changed_at), changed_by: r.changed_by }]));
}

export interface ModeChange {
  tenant: string;
  category: string;
  from: StoredMode;
  to: StoredMode;
  actor: string;
  actorName?: string | undefined;
  why: string;
  evidence: unknown;
  at: Date;
}

/**
 * Changes a mode and audits it, in one transaction, only if the mode is still `from` (a row not yet
 * stored has the file's mode, which the caller passed as `from`): two processes evaluating the same
 * review demote once. Answers whether this call changed it.
 */
export async function changeMode(db: Kysely<Database>, change: ModeChange): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const values = { mode: change.to, changed_at: change.at, changed_by: change.actor };
    const changed = await tx
      .insertInto('category_modes')
      .values({ tenant: change.tenant, category: change.category, ...values })
      .onConflict((oc) => oc.columns(['tenant', 'category']).doUpdateSet(values).where('category_modes.mode', '=', change.from))
      .returning('mode')
      .executeTakeFirst();
    if (!changed) return false;
    await tx
      .insertInto('category_mode_changes')
      .values({
        tenant: change.tenant,
        category: change.category,
        from_mode: change.from,
        to_mode: change.to,
        actor: change.actor,
        actor_name: change.actorName ?? null,
        why: change.why,
        evidence: storableJson(change.evidence),
        created_at: change.at,
      })
      .execute();
    return true;
  });
}

export interface ModeChangeView {
  category: string;
  from: string;
  to: string;
  /** an admin id, auto_promote or auto_demote */
  actor: string;
  actor_name: string | null;
  why: string;
  evidence: unknown;
  at: string;
}

const view = (r: { category: string; from_mode: string; to_mode: string; actor: string; actor_name: string | null; why: string; evidence: unknown; created_at: Date | string }): ModeChangeView => ({
  category: r.category,
  from: r.from_mode,
  to: r.to_mode,
  actor: r.actor,
  actor_name: r.actor_name,
  why: r.why,
  evidence: r.evidence,
  at: new Date(r.created_at).toISOString(),
});

/** A category's mode changes, newest first. */
export async function modeChanges(db: Kysely<Database>, tenant: string, category: string, limit = 100): Promise<ModeChangeView[]> {
  const rows = await db.selectFrom('category_mode_changes').selectAll().where('tenant', '=', tenant).where('category', '=', category).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(view);
}

/** A tenant's latest automatic demotions, newest first. */
export async function latestAutoDemotions(db: Kysely<Database>, tenant: string, limit: number): Promise<ModeChangeView[]> {
  const rows = await db.selectFrom('category_mode_changes').selectAll().where('tenant', '=', tenant).where('actor', '=', 'auto_demote').orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(view);
}
