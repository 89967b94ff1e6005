import { DbMacroStore, MemoryMacroStore, MacroStore, PendingMacro } from '../../src/delivery/zendesk/macro-store';
import { openStore, Store } from '../../src/store/open-store';
import { createDatabase, freshDataDir, removeDir } from '../helpers/databases';
import { describeWithPostgres } from '../helpers/services';

const T0 = new Date('2026-11-27T10:00:00Z');
const macro = (id: string, draftId: string, minutes: number, tenant = 'zendesk:acme'): PendingMacro => ({
  tenant,
  macroId: id,
  ticketId: `t${id}`,
  draftId,
  title: `draftpilot #t${id} reply draft (${draftId})`,
  createdAt: new Date(T0.getTime() + minutes * 60_000),
  expiresAt: new Date(T0.getTime() + (minutes + 60) * 60_000),
});

/** The same contract on every implementation: the writer and the janitor rely on it. */
function contract(open: () => Promise<{ store: MacroStore; close: () => Promise<void> }>) {
  let store: MacroStore;
  let close: () => Promise<void>;
  beforeAll(async () => ({ store, close } = await open()));
  afterAll(async () => close());

  it('tracks active macros per account, oldest first, once per draft, until removed', async () => {
    await store.add(macro('2', 'd_b', 5));
    await store.add(macro('1', 'd_a', 0));
    await store.add(macro('3', 'd_c', 1, 'zendesk:other'));
    await store.add({ ...macro('9', 'd_a', 9) }); // the same draft again: ignored
    expect((await store.active('zendesk:acme', 10)).map((m) => m.macroId)).toEqual(['1', '2']);
    expect(await store.active('zendesk:acme', 1)).toEqual([macro('1', 'd_a', 0)]);
    expect(await store.countActive('zendesk:acme')).toBe(2);
    expect(await store.forDraft('d_b')).toEqual(macro('2', 'd_b', 5));
    expect((await store.forDrafts(['d_a', 'd_c', 'd_x'])).map((m) => m.macroId).sort()).toEqual(['1', '3']);
    expect(await store.forDrafts([])).toEqual([]);

    await store.markRemoved('zendesk:acme', '1', 'applied', T0);
    await store.markRemoved('zendesk:other', '2', 'expired', T0); // another account's id: untouched
    expect(await store.countActive('zendesk:acme')).toBe(1);
    expect(await store.forDraft('d_a')).toBeUndefined();
    expect(await store.forDraft('d_b')).toBeDefined();
  });
}

describe('macro store (memory)', () => contract(async () => ({ store: new MemoryMacroStore(), close: async () => undefined })));

describe('macro store (PGlite)', () =>
  contract(async () => {
    const dir = freshDataDir();
    const s: Store = await openStore({ dataDir: dir });
    return {
      store: new DbMacroStore(s.db),
      close: async () => {
        await s.close();
        removeDir(dir);
      },
    };
  }));

describeWithPostgres('macro store (PostgreSQL)', () =>
  contract(async () => {
    const db = await createDatabase();
    const s: Store = await openStore({ databaseUrl: db.url, dataDir: '' });
    return {
      store: new DbMacroStore(s.db),
      close: async () => {
        await s.close();
        await db.drop();
      },
    };
  }));
