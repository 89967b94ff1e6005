import { Kysely, Migration, MigrationProvider, Migrator, sql } from 'kysely';

/** Migrations live in code so the build and the tests run the same list; add, never edit. */
const migrations: Record<string, Migration> = {
  '0001_inbox_and_threads': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('deliveries')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('tenant', 'text', (c) => c.notNull())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('delivery_id', 'text', (c) => c.notNull())
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('thread_id', 'text', (c) => c.notNull())
        .addColumn('received_at', 'timestamptz', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull()) // the verified body as received
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('processed_at', 'timestamptz')
        .addUniqueConstraint('deliveries_provider_delivery_id_key', ['provider', 'delivery_id'])
        .execute();
      // No index covers status, processed_at or last_error, and pages keep free space: marking a
      // delivery done is then a HOT update that writes no index entry (the worker's main cost).
      await sql`alter table deliveries set (fillfactor = 70)`.execute(db);
      await db.schema.createIndex('deliveries_thread_idx').on('deliveries').columns(['tenant', 'provider', 'thread_id']).execute();
      await db.schema.createIndex('deliveries_received_idx').on('deliveries').column('received_at').execute();

      await db.schema
        .createTable('threads')
        .addColumn('tenant', 'text', (c) => c.notNull())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('thread_id', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('tags', 'jsonb', (c) => c.notNull())
        .addColumn('requester', 'jsonb', (c) => c.notNull())
        .addColumn('messages', 'jsonb', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .addPrimaryKeyConstraint('threads_pkey', ['tenant', 'provider', 'thread_id'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('threads').execute();
      await db.schema.dropTable('deliveries').execute();
    },
  },
  '0002_drafts': {
    async up(db: Kysely<any>) {
      // One draft per customer message: a redelivery or a second webhook about the same message drafts nothing new.
      await db.schema
        .createTable('drafts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant', 'text', (c) => c.notNull())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('thread_id', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('requester_id', 'text')
        .addColumn('decision', 'text', (c) => c.notNull())
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('intent', 'text', (c) => c.notNull())
        .addColumn('confidence', 'real', (c) => c.notNull())
        .addColumn('sentiment', 'jsonb', (c) => c.notNull())
        .addColumn('reasons', 'jsonb', (c) => c.notNull())
        .addColumn('sources', 'jsonb', (c) => c.notNull())
        .addColumn('draft', 'text')
        .addColumn('brief', 'jsonb', (c) => c.notNull())
        .addColumn('guard', 'jsonb', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('usage', 'jsonb')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addUniqueConstraint('drafts_message_key', ['tenant', 'provider', 'thread_id', 'message_id'])
        .execute();
      await db.schema.createIndex('drafts_requester_idx').on('drafts').columns(['tenant', 'requester_id', 'category', 'created_at']).execute();
      await db.schema.createIndex('drafts_created_idx').on('drafts').column('created_at').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('drafts').execute();
    },
  },
  '0003_articles': {
    async up(db: Kysely<any>) {
      // Help-center articles per tenant (Zendesk Help Center, Intercom Articles), as plain text.
      // content_hash covers what the index reads (title, url, locale, body): a sync skips unchanged rows.
      await db.schema
        .createTable('articles')
        .addColumn('tenant', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('locale', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz')
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .addColumn('synced_at', 'timestamptz', (c) => c.notNull())
        .addPrimaryKeyConstraint('articles_pkey', ['tenant', 'id'])
        .execute();
      // The last sync of each tenant's source: its cursor (newest update seen) and when it ran.
      await db.schema
        .createTable('knowledge_sync')
        .addColumn('tenant', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('cursor', 'text')
        .addColumn('synced_at', 'timestamptz', (c) => c.notNull())
        .addPrimaryKeyConstraint('knowledge_sync_pkey', ['tenant', 'source'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('knowledge_sync').execute();
      await db.schema.dropTable('articles').execute();
    },
  },
  '0004_draft_delivery': {
    async up(db: Kysely<any>) {
      // A draft is delivered once: the outcome (shadow or written, the writes, API calls) is kept with it.
      await db.schema.alterTable('drafts').addColumn('delivered_at', 'timestamptz').execute();
      await db.schema.alterTable('drafts').addColumn('delivery', 'jsonb').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('drafts').dropColumn('delivery').execute();
      await db.schema.alterTable('drafts').dropColumn('delivered_at').execute();
    },
  },
  '0005_oauth_tokens': {
    async up(db: Kysely<any>) {
      // OAuth tokens per account, sealed with APP_ENCRYPTION_KEY (token-cipher.ts): a dump holds no usable credential.
      await db.schema
        .createTable('oauth_tokens')
        .addColumn('account', 'text', (c) => c.primaryKey()) // zendesk:<subdomain>
        .addColumn('sealed', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('oauth_tokens').execute();
    },
  },
  '0006_draft_superseded': {
    async up(db: Kysely<any>) {
      // A new customer message replaces a draft still waiting for an agent: the old one points to the new.
      await db.schema.alterTable('drafts').addColumn('superseded_by', 'text').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('drafts').dropColumn('superseded_by').execute();
    },
  },
  '0007_pending_macros': {
    async up(db: Kysely<any>) {
      // Zendesk macros holding a draft (pending-macro mode): account-wide objects, so each is tracked
      // until deleted (used, superseded, ticket solved, TTL) and counted against the per-account cap.
      await db.schema
        .createTable('pending_macros')
        .addColumn('macro_id', 'text', (c) => c.notNull())
        .addColumn('tenant', 'text', (c) => c.notNull())
        .addColumn('ticket_id', 'text', (c) => c.notNull())
        .addColumn('draft_id', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .addColumn('removed_at', 'timestamptz')
        .addColumn('removed_reason', 'text')
        .addPrimaryKeyConstraint('pending_macros_pk', ['tenant', 'macro_id'])
        .addUniqueConstraint('pending_macros_draft', ['draft_id'])
        .execute();
      await db.schema.createIndex('pending_macros_active').on('pending_macros').columns(['tenant', 'created_at']).where(sql.ref('removed_at'), 'is', null).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('pending_macros').execute();
    },
  },
  '0008_publication_and_oauth_states': {
    async up(db: Kysely<any>) {
      // The publication guard's verdict on a draft that was up for autopilot: a writer publishes only
      // the text it approved (its sha256).
      await db.schema.alterTable('drafts').addColumn('publication', 'jsonb').execute();
      // An install link's state is good for one callback: its nonce is recorded when used.
      await db.schema
        .createTable('oauth_state_uses')
        .addColumn('nonce', 'text', (c) => c.primaryKey())
        .addColumn('used_at', 'timestamptz', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('oauth_state_uses').execute();
      await db.schema.alterTable('drafts').dropColumn('publication').execute();
    },
  },
  '0009_reviews_and_tenant_settings': {
    async up(db: Kysely<any>) {
      // What agents did with each draft (docs/contracts.md, Reviews): one row per review, never updated.
      await db.schema
        .createTable('reviews')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('draft_id', 'text', (c) => c.notNull())
        .addColumn('tenant', 'text', (c) => c.notNull())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('text', 'text')
        .addColumn('sent_text', 'text')
        .addColumn('agent_id', 'text', (c) => c.notNull())
        .addColumn('agent_name', 'text')
        .addColumn('draft_version', 'text') // sha256 of the draft text reviewed; null for a draft without text
        .addColumn('edit_distance', 'integer')
        .addColumn('seconds_to_review', 'integer', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('reviews_draft_idx').on('reviews').columns(['draft_id', 'created_at']).execute();
      await db.schema.createIndex('reviews_tenant_idx').on('reviews').columns(['tenant', 'created_at']).execute();
      // "Was this brief useful?" answers on escalations.
      await db.schema
        .createTable('brief_feedback')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('draft_id', 'text', (c) => c.notNull())
        .addColumn('tenant', 'text', (c) => c.notNull())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('useful', 'boolean', (c) => c.notNull())
        .addColumn('missing', 'text')
        .addColumn('agent_id', 'text', (c) => c.notNull())
        .addColumn('agent_name', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('brief_feedback_draft_idx').on('brief_feedback').columns(['draft_id', 'created_at']).execute();
      // The last good settings of each tenant, and the last update that was refused (with its errors).
      await db.schema
        .createTable('tenant_settings')
        .addColumn('tenant', 'text', (c) => c.primaryKey())
        .addColumn('settings', 'jsonb')
        .addColumn('source', 'text')
        .addColumn('applied_at', 'timestamptz')
        .addColumn('last_error', 'jsonb')
        .addColumn('last_error_at', 'timestamptz')
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('tenant_settings').execute();
      await db.schema.dropTable('brief_feedback').execute();
      await db.schema.dropTable('reviews').execute();
    },
  },
  '0010_category_lifecycle': {
    async up(db: Kysely<any>) {
      // A review keeps its draft's category, decision and confidence (drafts are never rewritten, so the
      // copy is exact): the lifecycle's statistics read a category's latest reviews from one index
      // instead of joining every review to its draft. Rows of earlier versions are filled in here.
      await db.schema.alterTable('reviews').addColumn('category', 'text').execute();
      await db.schema.alterTable('reviews').addColumn('decision', 'text').execute();
      await db.schema.alterTable('reviews').addColumn('confidence', 'real').execute();
      await sql`update reviews r set category = d.category, decision = d.decision, confidence = d.confidence from drafts d where d.id = r.draft_id`.execute(db);
      // Covering indexes: a category's latest reviews, its autopilot replies' reviews and a tenant's
      // weeks are read from the index alone (index-only scans, once vacuum has marked the pages visible).
      const counted = sql`include (decision, action, reason, edit_distance, confidence, draft_id)`;
      await sql`create index reviews_category_idx on reviews (tenant, category, created_at) ${counted}`.execute(db);
      await sql`create index reviews_autopilot_idx on reviews (tenant, category, created_at) ${counted} where decision = 'autopilot'`.execute(db);
      await sql`create index reviews_week_idx on reviews (tenant, created_at) include (category, decision, action, reason, edit_distance)`.execute(db);
      await db.schema.dropIndex('reviews_tenant_idx').execute(); // the week index has its key and more
      // Whether a draft cited a source, kept by the database itself, for the weekly source coverage.
      await sql`alter table drafts add column cited boolean generated always as (jsonb_array_length(sources) > 0) stored`.execute(db);
      await sql`create index drafts_week_idx on drafts (tenant, created_at) include (category, decision, cited)`.execute(db);
      // The live mode of each category per tenant (none stored: the categories file's mode), and when
      // it last changed: evidence before that does not count.
      await db.schema
        .createTable('category_modes')
        .addColumn('tenant', 'text', (c) => c.notNull())
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
        .addColumn('changed_by', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('category_modes_pkey', ['tenant', 'category'])
        .execute();
      // Every mode change: who or what, when, from and to, why, and the evidence at that moment.
      await db.schema
        .createTable('category_mode_changes')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('tenant', 'text', (c) => c.notNull())
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('from_mode', 'text', (c) => c.notNull())
        .addColumn('to_mode', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('actor_name', 'text')
        .addColumn('why', 'text', (c) => c.notNull())
        .addColumn('evidence', 'jsonb', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('category_mode_changes_idx').on('category_mode_changes').columns(['tenant', 'category', 'created_at']).execute();
      await db.schema.createIndex('category_mode_changes_tenant_idx').on('category_mode_changes').columns(['tenant', 'created_at']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('category_mode_changes').execute();
      await db.schema.dropTable('category_modes').execute();
      await db.schema.dropIndex('drafts_week_idx').execute();
      await db.schema.alterTable('drafts').dropColumn('cited').execute();
      await db.schema.createIndex('reviews_tenant_idx').on('reviews').columns(['tenant', 'created_at']).execute();
      await db.schema.dropIndex('reviews_week_idx').execute();
      await db.schema.dropIndex('reviews_autopilot_idx').execute();
      await db.schema.dropIndex('reviews_category_idx').execute();
      await db.schema.alterTable('reviews').dropColumn('confidence').execute();
      await db.schema.alterTable('reviews').dropColumn('decision').execute();
      await db.schema.alterTable('reviews').dropColumn('category').execute();
    },
  },
  '0011_samples': {
    async up(db: Kysely<any>) {
      // Autopilot replies and solved conversations sampled for an after-the-fact review (docs/sampling.md).
      await db.schema
        .createTable('samples')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant', 'text', (c) => c.notNull())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('thread_id', 'text', (c) => c.notNull())
        .addColumn('draft_id', 'text')
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull()) // autopilot | solved
        .addColumn('stratum', 'text', (c) => c.notNull()) // autopilot | ai_good | ai_bad | human_good | human_bad
        .addColumn('signals', 'jsonb', (c) => c.notNull()) // why a solved conversation looks bad
        .addColumn('why', 'text', (c) => c.notNull()) // minimum | rate
        // what was sampled: draft:<draft id> (an autopilot reply) or solve:<delivery id> (a solve event)
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('week', 'text', (c) => c.notNull()) // ISO week of the reply or the solve, e.g. 2026-W48
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('delivered_at', 'timestamptz')
        .addColumn('delivery', 'jsonb') // the note's outcome, or in shadow mode the would-be writes
        .addColumn('review_id', 'text')
        .addColumn('reviewed_at', 'timestamptz')
        .addUniqueConstraint('samples_subject_key', ['tenant', 'provider', 'subject'])
        .execute();
      // the per-week counts of the stratification, and what the apps ask: is this draft or thread sampled
      await db.schema.createIndex('samples_stratum_idx').on('samples').columns(['tenant', 'kind', 'category', 'stratum', 'week']).execute();
      await db.schema.createIndex('samples_draft_idx').on('samples').columns(['draft_id', 'created_at']).execute();
      await db.schema.createIndex('samples_thread_idx').on('samples').columns(['tenant', 'provider', 'thread_id']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('samples').execute();
    },
  },
  '0012_report_indexes': {
    async up(db: Kysely<any>) {
      // The weekly reports (docs/reports.md) read a week of drafts, reviews and brief feedback, for
      // every tenant or one: an index on the time for the first, on (tenant, time) for the second.
      // Escalations (the unanswered and handoff reports) are a small share of the drafts: a partial index.
      await db.schema.createIndex('drafts_tenant_created_idx').on('drafts').columns(['tenant', 'created_at']).execute();
      await db.schema.createIndex('drafts_escalated_idx').on('drafts').column('created_at').where(sql.ref('decision'), '=', 'escalate').execute();
      await db.schema.createIndex('reviews_created_idx').on('reviews').column('created_at').execute();
      await db.schema.createIndex('brief_feedback_created_idx').on('brief_feedback').column('created_at').execute();
      await db.schema.createIndex('brief_feedback_tenant_idx').on('brief_feedback').columns(['tenant', 'created_at']).execute();
    },
    async down(db: Kysely<any>) {
      for (const name of ['brief_feedback_tenant_idx', 'brief_feedback_created_idx', 'reviews_created_idx', 'drafts_escalated_idx', 'drafts_tenant_created_idx']) {
        await db.schema.dropIndex(name).execute();
      }
    },
  },
  '0013_digests': {
    async up(db: Kysely<any>) {
      // The weekly digest posted to the configured webhook (docs/digest.md): one row per week, the
      // claim that keeps several processes from posting it twice, and its outcome.
      await db.schema
        .createTable('digests')
        .addColumn('week', 'text', (c) => c.primaryKey()) // ISO week reported on, e.g. 2026-W48
        .addColumn('status', 'text', (c) => c.notNull()) // posting | posted | failed
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('claimed_at', 'timestamptz', (c) => c.notNull())
        .addColumn('posted_at', 'timestamptz')
        .addColumn('trigger', 'text', (c) => c.notNull()) // schedule | manual
        .addColumn('error', 'text')
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('digests').execute();
    },
  },
  '0014_retention_index': {
    async up(db: Kysely<any>) {
      // Retention deletes threads not updated for drafts_days (deliveries and drafts have their time indexes).
      await db.schema.createIndex('threads_updated_idx').on('threads').column('updated_at').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('threads_updated_idx').execute();
    },
  },
  '0015_fair_dispatch_indexes': {
    async up(db: Kysely<any>) {
      // The dispatcher reads every received row and counts each tenant's rows in the queue per pass:
      // both stay small next to the table, and these partial indexes keep them cheap.
      await sql`create index deliveries_waiting_idx on deliveries (tenant, id) where status = 'received'`.execute(db);
      await sql`create index deliveries_in_queue_idx on deliveries (tenant) where status in ('queued', 'stored')`.execute(db);
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('deliveries_in_queue_idx').execute();
      await db.schema.dropIndex('deliveries_waiting_idx').execute();
    },
  },
  '0016_accounts': {
    async up(db: Kysely<any>) {
      // The helpdesk accounts installed through OAuth (docs/accounts.md): one row per tenant. Their
      // tokens stay sealed in oauth_tokens under the same tenant.
      await db.schema
        .createTable('accounts')
        .addColumn('tenant', 'text', (c) => c.primaryKey()) // zendesk:<subdomain> | intercom:<workspace id>
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('api_base_url', 'text', (c) => c.notNull())
        .addColumn('own_user_id', 'text') // the Zendesk user or Intercom admin the install acts as
        .addColumn('webhook_id', 'text')
        .addColumn('sealed_webhook_secret', 'text') // Zendesk: the webhook's signing secret, sealed
        .addColumn('status', 'text', (c) => c.notNull()) // active | uninstalled
        .addColumn('installed_at', 'timestamptz', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('accounts').execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
