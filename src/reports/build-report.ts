import { Kysely, sql } from 'kysely';
import type { Settings } from '../config/settings';
import { CategoriesView, listCategoryStatus } from '../lifecycle/category-status';
import { effectiveSettings, ServiceDefaults } from '../settings/effective-settings';
import { tenantSettingsOf } from '../settings/settings-store';
import type { Database } from '../store/schema';
import { contentReport, MAX_ARTICLES } from './content-report';
import { neverCitedRows, reviewedArticleRows } from './content-rows';
import { handoffReport } from './handoff-report';
import { briefMissingFields, feedbackSums, handoffSums } from './handoff-rows';
import { lowConfidenceReport, SAMPLE_SIZE, sampleQuotas, sampleSeed } from './low-confidence-report';
import { calibrationLevels, latestReviews, lowConfidenceStrata, sampleCandidates } from './low-confidence-rows';
import { reportScope } from './report-query';
import { readinessReport } from './readiness-report';
import { readinessTenants } from './readiness-rows';
import { mapInSnapshot } from './shared-snapshot';
import type { Report, ReportName, ReportScope } from './report-view';
import { clusterUnanswered, unansweredReport } from './unanswered-report';
import { unansweredRows } from './unanswered-rows';

/**
 * The weekly reports (docs/reports.md) over the stored drafts, reviews, brief feedback, threads and
 * articles: the same rows the rest of draftpilot reads, no bookkeeping of their own. What the API,
 * the CLI and the dashboard call.
 */
export interface ReportContext {
  db: Kysely<Database>;
  /** the service's thresholds (and categories) under the tenants' own settings */
  defaults: () => ServiceDefaults;
  /** the lifecycle's settings (settings `lifecycle`): the readiness report reads the lifecycle's status */
  lifecycle: Settings['lifecycle'];
  now?: () => Date;
  /**
   * Connections one report may read on at once, sharing its snapshot (src/reports/shared-snapshot.ts):
   * the readiness report of every tenant reads the tenants in parallel. PostgreSQL only; default 1.
   */
  readers?: number;
}

/** The low_confidence threshold that applies: the tenant's own, else the service's. */
export async function lowConfidenceThreshold(ctx: ReportContext, tenant: string | null): Promise<number> {
  const defaults = ctx.defaults();
  if (tenant === null) return defaults.thresholds.low_confidence;
  return effectiveSettings((await tenantSettingsOf(ctx.db, tenant)) ?? null, defaults, tenant).thresholds.low_confidence;
}

/** A builder reads on `ctx.db`, the report's transaction; `root` is the store, for extra readers. */
const builders: Record<ReportName, (ctx: ReportContext, scope: ReportScope, root: Kysely<Database>) => Promise<Report>> = {
  unanswered: async (ctx, scope) => unansweredReport(scope, await unansweredRows(ctx.db, scope)),

  content: async (ctx, scope) => {
    const [reviewed, neverCited, unanswered] = await Promise.all([reviewedArticleRows(ctx.db, scope, MAX_ARTICLES), neverCitedRows(ctx.db, scope, MAX_ARTICLES), unansweredRows(ctx.db, scope)]);
    return contentReport(scope, reviewed, neverCited, clusterUnanswered(unanswered));
  },

  'low-confidence': async (ctx, scope) => {
    const threshold = await lowConfidenceThreshold(ctx, scope.tenant);
    const strata = await lowConfidenceStrata(ctx.db, scope, threshold);
    const quotas = sampleQuotas(strata, SAMPLE_SIZE);
    const perStratum = Math.max(0, ...quotas.values());
    const [candidates, calibration] = await Promise.all([sampleCandidates(ctx.db, scope, threshold, sampleSeed(scope), perStratum), calibrationLevels(ctx.db, scope)]);
    const reviews = await latestReviews(
      ctx.db,
      candidates.map((c) => c.draft_id),
    );
    return lowConfidenceReport(scope, { threshold, strata, candidates, reviews, calibration, size: SAMPLE_SIZE });
  },

  handoff: async (ctx, scope) => {
    const [feedback, briefMissing, sums] = await Promise.all([feedbackSums(ctx.db, scope), briefMissingFields(ctx.db, scope, 20), handoffSums(ctx.db, scope)]);
    return handoffReport(scope, feedback, briefMissing, sums);
  },

  readiness: async (ctx, scope, root) => {
    const tenants = scope.tenant !== null ? [scope.tenant] : await readinessTenants(ctx.db, scope);
    // the report shows one week's statistics: the lifecycle reads that week (and any after it) alone
    const lifecycle = { db: ctx.db, defaults: ctx.defaults, settings: { ...ctx.lifecycle, weeks: 1 }, now: ctx.now ?? (() => new Date()) };
    // the weekly statistics reach the report's week (a past one, or this one up to now)
    const upTo = new Date(Math.min(lifecycle.now().getTime(), scope.to.getTime() - 1));
    // each tenant's status on one of the readers, all in the report's snapshot
    const readers = { trx: ctx.db, root, readers: ctx.readers ?? 1 };
    const views: CategoriesView[] = await mapInSnapshot(readers, tenants, (db, tenant) => listCategoryStatus({ ...lifecycle, db }, tenant, upTo));
    return readinessReport(scope, views, ctx.lifecycle.repeated_reason_per_week);
  },
};

/**
 * One report for a week (default: the current one) and optionally one tenant. Its queries run in one
 * read-only transaction (one snapshot: the parts of a report agree) without PostgreSQL's JIT
 * compilation, which costs more than these short queries over a week take (its estimate of a JSON
 * array's rows makes them look expensive).
 */
export async function buildReport(ctx: ReportContext, name: ReportName, query: { week?: string; tenant?: string }): Promise<Report> {
  const scope = reportScope(query, (ctx.now ?? (() => new Date()))());
  return ctx.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      await sql`set local jit = off`.execute(trx);
      return builders[name]({ ...ctx, db: trx }, scope, ctx.db);
    });
}
