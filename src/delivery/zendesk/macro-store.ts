import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema';

/** One Zendesk macro draftpilot created and has not deleted yet. */
export interface PendingMacro {
  tenant: string;
  macroId: string;
  ticketId: string;
  draftId: string;
  title: string;
  createdAt: Date;
  expiresAt: Date;
}

/** Why a macro was deleted (or found gone): kept with the row for operators and reports. */
export type MacroRemoval = 'applied' | 'answered' | 'superseded' | 'ticket_solved' | 'ticket_deleted' | 'expired' | 'gone';

/**
 * The macros draftpilot owns, per account. Macros are account-wide Zendesk objects: this is what lets
 * the writer cap them and the janitor find every one of them again, across restarts.
 */
export interface MacroStore {
  /** active macros of the account, oldest first */
  active(tenant: string, limit: number): Promise<PendingMacro[]>;
  countActive(tenant: string): Promise<number>;
  /** the active macro holding this draft, if any */
  forDraft(draftId: string): Promise<PendingMacro | undefined>;
  /** active macros holding any of these drafts */
  forDrafts(draftIds: readonly string[]): Promise<PendingMacro[]>;
  add(macro: PendingMacro): Promise<void>;
  markRemoved(tenant: string, macroId: string, reason: MacroRemoval, at: Date): Promise<void>;
}

export class MemoryMacroStore implements MacroStore {
  readonly rows: (PendingMacro & { removedAt?: Date; removedReason?: MacroRemoval })[] = [];

  async active(tenant: string, limit: number): Promise<PendingMacro[]> {
    return this.live()
      .filter((m) => m.tenant === tenant)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .slice(0, limit);
  }

  async countActive(tenant: string): Promise<number> {
    return this.live().filter((m) => m.tenant === tenant).length;
  }

  async forDraft(draftId: string): Promise<PendingMacro | undefined> {
    return this.live().find((m) => m.draftId === draftId);
  }

  async forDrafts(draftIds: readonly string[]): Promise<PendingMacro[]> {
    return this.live().filter((m) => draftIds.includes(m.draftId));
  }

  async add(macro: PendingMacro): Promise<void> {
    if (this.rows.some((m) => m.draftId === macro.draftId || (m.tenant === macro.tenant && m.macroId === macro.macroId))) return;
    this.rows.push({ ...macro });
  }

  async markRemoved(tenant: string, macroId: string, reason: MacroRemoval, at: Date): Promise<void> {
    const row = this.rows.find((m) => m.tenant === tenant && m.macroId === macroId && !m.removedAt);
    if (row) Object.assign(row, { removedAt: at, removedReason: reason });
  }

  private live() {
    return this.rows.filter((m) => !m.removedAt);
  }
}

/** The store's `pending_macros` table (migration 0007). */
export class DbMacroStore implements MacroStore {
  constructor(private readonly db: Kysely<Database>) {}

  async active(tenant: string, limit: number): Promise<PendingMacro[]> {
    const rows = await this.select().where('tenant', '=', tenant).orderBy('created_at').limit(limit).execute();
    return rows.map(toMacro);
  }

  async countActive(tenant: string): Promise<number> {
    const row = await this.db
      .selectFrom('pending_macros')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('tenant', '=', tenant)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async forDraft(draftId: string): Promise<PendingMacro | undefined> {
    const row = await this.select().where('draft_id', '=', draftId).executeTakeFirst();
    return row ? toMacro(row) : undefined;
  }

  async forDrafts(draftIds: readonly string[]): Promise<PendingMacro[]> {
    if (draftIds.length === 0) return [];
    return (await this.select().where('draft_id', 'in', [...draftIds]).execute()).map(toMacro);
  }

  async add(m: PendingMacro): Promise<void> {
    await this.db
      .insertInto('pending_macros')
      .values({ macro_id: m.macroId, tenant: m.tenant, ticket_id: m.ticketId, draft_id: m.draftId, title: m.title, created_at: m.createdAt, expires_at: m.expiresAt })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async markRemoved(tenant: string, macroId: string, reason: MacroRemoval, at: Date): Promise<void> {
    await this.db
      .updateTable('pending_macros')
      .set({ removed_at: at, removed_reason: reason })
      .where('tenant', '=', tenant)
      .where('macro_id', '=', macroId)
      .where('removed_at', 'is', null)
      .execute();
  }

  private select() {
    return this.db.selectFrom('pending_macros').select(['tenant', 'macro_id', 'ticket_id', 'draft_id', 'title', 'created_at', 'expires_at']).where('removed_at', 'is', null);
  }
}

function toMacro(r: { tenant: string; macro_id: string; ticket_id: string; draft_id: string; title: string; created_at: Date; expires_at: Date }): PendingMacro {
  return { tenant: r.tenant, macroId: r.macro_id, ticketId: r.ticket_id, draftId: r.draft_id, title: r.title, createdAt: new Date(r.created_at), expiresAt: new Date(r.expires_at) };
}
