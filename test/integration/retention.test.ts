import { sql } from 'kysely';
import { loadSettings } from '../../src/config/settings';
import { prune } from '../../src/retention/prune';
import type { Store } from '../../src/store/open-store';
import { OpenedStore, openEmbeddedStore, openPostgresStore } from '../helpers/databases';
import { describeWithPostgres } from '../helpers/services';

/**
 * Retention on both stores: old processed deliveries, old drafts and stale threads go, in batches;
 * recent rows, waiting deliveries and every review stay.
 */
const NOW = new Date('2026-12-01T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

function retentionSuite(open: () => Promise<OpenedStore>) {
  let store: Store;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await open());
    const db = store.db;
    // deliveries: done 40 days ago (x3), failed 40 days ago, received 40 days ago (never processed), done yesterday
    const delivery = (n: number, status: string, at: Date) => ({
      tenant: 'zendesk:acme', provider: 'zendesk', delivery_id: `dl${n}`, topic: 'ticket.comment_added', thread_id: `t${n}`, payload: JSON.stringify({ n }), received_at: at, status, attempts: 0, last_error: null, processed_at: status === 'done' ? at : null,
    });
    await db.insertInto('deliveries').values([delivery(1, 'done', daysAgo(40)), delivery(2, 'done', daysAgo(40)), delivery(3, 'done', daysAgo(40)), delivery(4, 'failed', daysAgo(40)), delivery(5, 'received', daysAgo(40)), delivery(6, 'done', daysAgo(1))] as never).execute();
    const draft = (id: string, at: Date) => ({
      id, tenant: 'zendesk:acme', provider: 'zendesk', thread_id: id, message_id: `m_${id}`, requester_id: null, decision: 'review', category: 'shipping', intent: 'question', confidence: 0.8,
      sentiment: JSON.stringify({ label: 'neutral', score: 0 }), reasons: '[]', sources: '[]', draft: 'A draft quoting the customer.', brief: '{}', guard: '[]', model: 'offline', usage: null, created_at: at,
    });
    await db.insertInto('drafts').values([draft('d_old', daysAgo(200)), draft('d_new', daysAgo(10))] as never).execute();
    await db.insertInto('reviews').values({ id: 'r_old', draft_id: 'd_old', tenant: 'zendesk:acme', provider: 'zendesk', action: 'approve', reason: null, text: null, sent_text: 'sent', agent_id: '1', agent_name: null, draft_version: null, edit_distance: 0, seconds_to_review: 5, source: 'api', created_at: daysAgo(199), category: 'shipping', decision: 'review', confidence: 0.8 }).execute();
    const thread = (id: string, at: Date) => ({ tenant: 'zendesk:acme', provider: 'zendesk', thread_id: id, subject: 's', status: 'open', tags: '[]', requester: '{}', messages: JSON.stringify([{ body: 'customer text' }]), version: 1, updated_at: at });
    await db.insertInto('threads').values([thread('th_old', daysAgo(181)), thread('th_new', daysAgo(3))] as never).execute();
  });
  afterAll(async () => close());

  it('prunes what is older than its days, in batches, and keeps the rest and every review', async () => {
    const settings = { ...loadSettings('config/default.yaml').retention, batch: 2 };
    expect(settings).toMatchObject({ deliveries_days: 30, drafts_days: 180 });
    expect(await prune(store.db, settings, NOW)).toEqual({ deliveries: 4, drafts: 1, threads: 1 });
    const ids = async (table: 'deliveries' | 'drafts' | 'threads' | 'reviews', column: string) => (await sql<{ v: string }>`select ${sql.ref(column)} as v from ${sql.table(table)} order by 1`.execute(store.db)).rows.map((r) => r.v);
    // the delivery never processed stays whatever its age: it is still to be drafted for
    expect(await ids('deliveries', 'delivery_id')).toEqual(['dl5', 'dl6']);
    expect(await ids('drafts', 'id')).toEqual(['d_new']);
    expect(await ids('threads', 'thread_id')).toEqual(['th_new']);
    expect(await ids('reviews', 'id')).toEqual(['r_old']);
    // a second pass finds nothing; 0 days keeps everything
    expect(await prune(store.db, settings, NOW)).toEqual({ deliveries: 0, drafts: 0, threads: 0 });
    expect(await prune(store.db, { ...settings, deliveries_days: 0, drafts_days: 0 }, new Date('2030-01-01T00:00:00Z'))).toEqual({ deliveries: 0, drafts: 0, threads: 0 });
  });
}

describe('retention (PGlite)', () => retentionSuite(openEmbeddedStore));
describeWithPostgres('retention (PostgreSQL)', () => retentionSuite(openPostgresStore));
