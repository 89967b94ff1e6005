import { forTenantCalls } from '../helpdesk/call-context';
import type { Kysely } from 'kysely';
import type { Config } from '../config';
import { routeDelivery } from '../delivery/route-delivery';
import { DbMacroStore } from '../delivery/zendesk/macro-store';
import { describe } from '../domain/errors';
import type { Provider, Thread } from '../domain/thread';
import { markUndeliveredFailed } from '../drafting/draft-store';
import { createDrafter } from '../drafting/drafter';
import type { ProviderEdge } from '../edge/provider-edge';
import type { Inbox, StoredDelivery } from '../inbox/inbox';
import type { JobQueue } from '../jobs/queue';
import { KnowledgeBase } from '../knowledge/knowledge-base';
import type { Logger } from '../logger';
import { recordImplicitReview } from '../reviews/implicit-reviews';
import { tenantSettingsOf } from '../settings/settings-store';
import type { Database } from '../store/schema';
import type { LiveModes } from '../lifecycle/live-modes';
import type { AfterRecord } from '../reviews/record-review';
import { createDeliveryFolder } from '../threads/fold-deliveries';
import { startKnowledgeSync } from './knowledge-sync';
import type { AccountDirectory } from '../accounts/account-directory';
import { TenantHelpdesks } from './tenant-helpdesks';
import { loadDrafting } from './load-drafting';
import { isDemoKnowledge, logDraftingPlan } from './drafting-plan';
import { readConfig } from './read-config';
import { startJanitor } from './macro-sweeps';
import { routeSampleDelivery } from '../delivery/sample-port';
import { keyedRandom } from '../policy/random-source';
import { createSampler } from '../sampling/sample-thread';
import { jobDuration } from '../metrics/metrics';

export interface WorkerDeps {
  config: Config;
  logger: Logger;
  now: () => Date;
  db: Kysely<Database>;
  inbox: Inbox;
  queue: JobQueue;
  edges: Record<Provider, ProviderEdge>;
  /** every account served: the environment's and the installed ones */
  accounts: AccountDirectory;
  onThread?: (thread: Thread, deliveries: StoredDelivery[]) => Promise<void>;
  /** the tenants' stored category modes, shared with this process's routes */
  modes?: LiveModes;
  /** the category lifecycle's evaluation after a review (implicit reviews here) */
  afterReview?: AfterRecord;
}

export interface WorkerSide {
  knowledge: KnowledgeBase;
  /** the periodic help-center sync and pending-macro sweep, cleared on shutdown */
  timers: NodeJS.Timeout[];
}

/**
 * The job-running half of a process: the job folds pending deliveries into their threads, drafts,
 * decides and delivers. Rules and the model are read once here; each tenant's writers, reader and
 * help-center source are built from its account when first needed (service/tenant-helpdesks.ts).
 */
export async function startWorker(deps: WorkerDeps): Promise<WorkerSide> {
  const { config, logger, now, db, inbox, queue, accounts } = deps;
  const { env, settings } = config;
  const demoArticles = isDemoKnowledge(env.KNOWLEDGE_DIR);
  const macroStore = new DbMacroStore(db);
  const helpdesks = new TenantHelpdesks(accounts, config, macroStore, logger);
  const served = await accounts.list().catch(() => []);
  const knowledge = readConfig('KNOWLEDGE_DIR', () => new KnowledgeBase({ db, sources: (tenant) => helpdesks.sourceFor(tenant), knowledgeDir: env.KNOWLEDGE_DIR, now, fallbackAllowed: (t) => !(demoArticles && accounts.knownTenants().has(t)) }));
  const drafting = loadDrafting(config, logger, knowledge.fallback);
  logDraftingPlan(logger, served, drafting.categories, { knowledgeDir: env.KNOWLEDGE_DIR, demo: demoArticles });
  const timers: NodeJS.Timeout[] = startKnowledgeSync(knowledge, {
    tenants: async () => (await accounts.list()).map((a) => a.tenant),
    intervalMinutes: settings.knowledge.sync_interval_minutes,
    newTenantsEveryMs: settings.accounts.refresh_ms,
    logger,
  });
  const janitorTimer = startJanitor(config, accounts, macroStore, logger);
  if (janitorTimer) timers.push(janitorTimer);
  const deliver = routeDelivery((request) => helpdesks.writerFor(request.tenant, request.provider));
  const drafter = createDrafter({
    db,
    deliver,
    knowledge: (tenant) => knowledge.forTenant(tenant),
    model: drafting.model,
    categories: () => drafting.categories,
    rules: drafting.rules,
    tenantSettings: (tenant) => tenantSettingsOf(db, tenant),
    ...(deps.modes ? { liveModes: (tenant: string) => deps.modes!.forTenant(tenant) } : {}),
    sourcesLimit: settings.drafting.sources_limit,
    modelPrices: settings.metrics.model_prices,
    logger,
    now,
  });
  const sampler = createSampler({
    db,
    // each item's draw is its own (keyed by tenant and item), so a rerun decides as the first run did
    random: keyedRandom('draftpilot-sampling'),
    categories: () => drafting.categories,
    tenantSettings: (tenant) => tenantSettingsOf(db, tenant),
    solveOf: (provider, payload) => deps.edges[provider].solveOf(payload),
    deliver: routeSampleDelivery((request) => helpdesks.sampleWriterFor(request.tenant, request.provider)),
    logger,
    now,
  });
  // An agent's public reply first reviews the draft it followed (implicit review), then the thread is
  // drafted (unless it is solved: a solve event drafts nothing), then sampled for an after-the-fact review.
  const afterStore = (thread: Thread) => forTenantCalls(thread.tenant, () => draftAndSample(thread));
  const draftAndSample = async (thread: Thread) => {
    const review = await recordImplicitReview(db, thread, now(), deps.afterReview);
    if (review) logger.info({ tenant: thread.tenant, provider: thread.provider, threadId: thread.id, draftId: review.draft_id, action: review.action, editDistance: review.edit_distance }, 'implicit review recorded from an agent reply');
    const outcome = isSolved(thread) ? {} : await drafter(thread);
    await sampler(thread);
    return outcome;
  };
  const fold = createDeliveryFolder({ db, inbox, edges: deps.edges, logger, now, afterStore, loader: helpdesks.threadReader(), ...(deps.onThread ? { onThread: deps.onThread } : {}) });
  await queue.startWorker(
    async (jobs) => {
      const stop = jobDuration.startTimer();
      try {
        await fold(jobs);
        stop({ outcome: 'done' });
      } catch (err) {
        stop({ outcome: 'retried' });
        throw err;
      }
    },
    async (job, error, attempts, firstTriedAt) => {
      const why = describe(error);
      const { failed, remaining } = await inbox.failThread(job, why, attempts, firstTriedAt);
      const drafts = await markUndeliveredFailed(db, job, `not delivered: ${why} (after ${attempts} attempt${attempts === 1 ? '' : 's'})`, now());
      logger.error({ tenant: job.tenant, provider: job.provider, threadId: job.threadId, attempts, deliveries: failed, drafts, err: why }, 'job failed for good; its deliveries are marked failed (see /api/deliveries, npx draftpilot redrive)');
      // Deliveries that arrived during the retries were not part of what failed: they get a job of their own.
      if (remaining > 0) await queue.enqueue({ tenant: job.tenant, provider: job.provider, threadId: job.threadId });
    },
  );
  return { knowledge, timers };
}

/** A solved (Zendesk) or closed (Intercom) thread: nothing is drafted for it until it is reopened. */
function isSolved(thread: Thread): boolean {
  return thread.status === 'solved' || thread.status === 'closed';
}
