import { openStore } from '../../src/store/open-store';
import { withAdmin } from '../helpers/databases';
import { zendeskComment } from '../helpers/fixtures';
import { describeWithPostgres } from '../helpers/services';
import { startTestService } from '../helpers/test-service';

async function rowsFor(dataDirOrUrl: { dataDir?: string; databaseUrl?: string }, deliveryId: string): Promise<number> {
  const store = await openStore({ dataDir: dataDirOrUrl.dataDir ?? '', ...(dataDirOrUrl.databaseUrl ? { databaseUrl: dataDirOrUrl.databaseUrl } : {}) });
  try {
    const rows = await store.db.selectFrom('deliveries').select('id').where('delivery_id', '=', deliveryId).execute();
    return rows.length;
  } finally {
    await store.close();
  }
}

describe('store down on PGlite', () => {
  it('answers 503, leaves no dedupe marker, and accepts the provider retry once the store is back', async () => {
    const t = await startTestService();
    const body = zendeskComment({ ticketId: '8001' });
    await t.service.store.close(); // the store goes away under a running server
    const res = await t.postZendesk(body);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'store_unavailable' });
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(503);
    await t.service.shutdown().catch(() => undefined);
    expect(await rowsFor({ dataDir: t.dataDir! }, body.id)).toBe(0);

    const again = await startTestService({ dataDir: t.dataDir! });
    const retried = await again.postZendesk(body, { secret: again.zendeskSecret });
    expect(retried.status).toBe(202);
    await again.waitIdle();
    await again.close();
  });
});

describeWithPostgres('store down on PostgreSQL', () => {
  it('answers 503 while the database refuses connections and leaves no marker', async () => {
    const t = await startTestService({ store: 'postgres' });
    const name = new URL(t.databaseUrl!).pathname.slice(1);
    const admin = process.env.DATABASE_URL!;
    const body = zendeskComment({ ticketId: '8002' });
    try {
      await withAdmin(admin, async (c) => {
        await c.query(`alter database ${name} with allow_connections false`);
        await c.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1`, [name]);
      });
      const res = await t.postZendesk(body);
      expect(res.status).toBe(503);
      expect((await fetch(`${t.url}/readyz`)).status).toBe(503);
    } finally {
      await withAdmin(admin, (c) => c.query(`alter database ${name} with allow_connections true`));
    }
    expect(await rowsFor({ databaseUrl: t.databaseUrl! }, body.id)).toBe(0);
    const retried = await t.postZendesk(body);
    expect(retried.status).toBe(202);
    await t.waitIdle();
    expect(await rowsFor({ databaseUrl: t.databaseUrl! }, body.id)).toBe(1);
    await t.close();
  });
});
