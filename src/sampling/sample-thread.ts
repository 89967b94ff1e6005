import type { Kysely } from 'kysely';
import type { DeliverContext, DeliveryOutcome } from '../delivery/delivery-port';
import type { SampleRequest } from '../delivery/sample-port';
import { describe } from '../domain/errors';
import type { Provider, Thread } from '../domain/thread';
import type { ThreadKey } from '../domain/thread-key';
import type { SolveEvent } from '../edge/provider-edge';
import { isPermanent } from '../jobs/job-errors';
import type { Logger } from '../logger';
import type { CategoriesFile } from '../policy/categories';
import type { RandomSource } from '../policy/random-source';
import { isoWeekOf } from '../domain/iso-week';
import { decideAutopilot, decideSolved, SampleKind, samplingPolicy, SolvedSignal, solvedStratum, Stratum } from '../policy/sampling';
import type { TenantSettings } from '../settings/tenant-settings';
import type { Database } from '../store/schema';
import { insertSample, markSampleDelivered, SampleRow, sampledInWeek, sampleForDraft, samplesOfThread } from './sample-store';
import { draftsOfThread, otherContact, pendingSolves, solvedBefore } from './solved-facts';

export interface SamplerDeps {
  db: Kysely<Database>;
  /** the chance of each decision, by the item's key (keyedRandom in the service, seeded in tests) */
  random: RandomSource;
  categories: (tenant: string) => CategoriesFile;
  tenantSettings?: (tenant: string) => Promise<TenantSettings | undefined>;
  /** the provider edge's reading of a stored solve delivery */
  solveOf: (provider: Provider, payload: unknown) => SolveEvent | undefined;
  /** the review request into the helpdesk; without it the samples are stored only */
  deliver?: (request: SampleRequest, context: DeliverContext) => Promise<DeliveryOutcome>;
  logger: Logger;
  now: () => Date;
}

type DraftFacts = Awaited<ReturnType<typeof draftsOfThread>>[number];

const DAY_MS = 86_400_000;

/**
 * The job's sampling step for one thread, after drafting: the thread's newest draft when it is an
 * autopilot reply that was delivered, and each solve event this job folded in, are sampled or not
 * (policy/sampling.ts); a sampled item becomes a `samples` row, unique per item, and its review
 * request is delivered once. Idempotent: the draws are the item's own (keyed), a sampled item is
 * stored once, and a stored sample whose note did not complete is delivered again on the next run,
 * the writers checking for its marker first.
 */
export function createSampler(deps: SamplerDeps) {
  return async function sampleThread(thread: Thread): Promise<void> {
    const key: ThreadKey = { tenant: thread.tenant, provider: thread.provider, threadId: thread.id };
    const own = await deps.tenantSettings?.(thread.tenant);
    const file = own?.categories ?? deps.categories(thread.tenant);
    const drafts = await draftsOfThread(deps.db, key);
    const fresh = new Set<string>();
    const newest = drafts[drafts.length - 1];
    if (newest && isDeliveredAutopilot(newest)) {
      const id = await sampleAutopilot(deps, key, newest, file, own?.sampling);
      if (id) fresh.add(id);
    }
    for (const solve of await pendingSolves(deps.db, key)) {
      const event = deps.solveOf(thread.provider, solve.payload);
      if (!event) continue;
      const id = await sampleSolve(deps, thread, drafts, { ...solve, event }, file, own?.sampling);
      if (id) fresh.add(id);
    }
    for (const row of await samplesOfThread(deps.db, key)) {
      if (!row.delivered_at) await deliverSample(deps, row, { firstAttempt: fresh.has(row.id) });
    }
  };
}

function isDeliveredAutopilot(d: DraftFacts): boolean {
  return d.decision === 'autopilot' && d.delivered_at !== null && d.failed !== 'true';
}

async function sampleAutopilot(deps: SamplerDeps, key: ThreadKey, draft: DraftFacts, file: CategoriesFile, tenant: TenantSettings['sampling']): Promise<string | null> {
  const subject = `draft:${draft.id}`;
  const policy = samplingPolicy(file, tenant, draft.category);
  const decision = decideAutopilot(policy.autopilotRate, deps.random(`${key.tenant}|${subject}`));
  if (!decision.sampled) return null;
  const week = isoWeekOf(new Date(draft.delivered_at ?? draft.created_at));
  return store(deps, key, { draftId: draft.id, category: draft.category, kind: 'autopilot', stratum: 'autopilot', signals: [], why: 'rate', subject, week });
}

async function sampleSolve(
  deps: SamplerDeps,
  thread: Thread,
  drafts: DraftFacts[],
  solve: { id: string; deliveryId: string; event: SolveEvent },
  file: CategoriesFile,
  tenant: TenantSettings['sampling'],
): Promise<string | null> {
  const key: ThreadKey = { tenant: thread.tenant, provider: thread.provider, threadId: thread.id };
  const newest = drafts[drafts.length - 1];
  // A conversation draftpilot never drafted for has no category and no draft to review.
  if (!newest) return null;
  // Its newest draft already waits for a sampled review: one request per draft at a time.
  const open = await sampleForDraft(deps.db, newest.id);
  if (open && !open.review_id) return null;
  const policy = samplingPolicy(file, tenant, newest.category);
  const solvedAt = new Date(solve.event.at);
  const requesterId = thread.requester.id ?? newest.requester_id;
  const firstAt = new Date(drafts[0]!.created_at);
  const { stratum, signals } = solvedStratum(
    {
      aiHandled: drafts.some(isDeliveredAutopilot),
      reopened: await solvedBefore(deps.db, key, solve.id),
      rating: solve.event.rating,
      repeatContact: requesterId
        ? await otherContact(deps.db, { tenant: thread.tenant, requesterId, category: newest.category, threadId: thread.id, from: new Date(firstAt.getTime() - policy.repeatContactDays * DAY_MS), to: solvedAt })
        : false,
    },
    policy.lowRatingMax,
  );
  const week = isoWeekOf(solvedAt);
  const subject = `solve:${solve.deliveryId}`;
  const sampledThisWeek = await sampledInWeek(deps.db, { tenant: thread.tenant, kind: 'solved', category: newest.category, stratum, week });
  const decision = decideSolved({ rate: policy.solvedRate, minPerWeek: policy.minPerWeek, sampledThisWeek, draw: deps.random(`${thread.tenant}|${subject}`) });
  if (!decision.sampled) return null;
  return store(deps, key, { draftId: newest.id, category: newest.category, kind: 'solved', stratum, signals, why: decision.why === 'minimum' ? 'minimum' : 'rate', subject, week });
}

async function store(
  deps: SamplerDeps,
  key: ThreadKey,
  s: { draftId: string; category: string; kind: SampleKind; stratum: Stratum; signals: SolvedSignal[]; why: 'minimum' | 'rate'; subject: string; week: string },
): Promise<string | null> {
  const id = await insertSample(deps.db, { tenant: key.tenant, provider: key.provider, threadId: key.threadId, ...s }, deps.now());
  if (id) deps.logger.info({ tenant: key.tenant, provider: key.provider, threadId: key.threadId, sampleId: id, draftId: s.draftId, kind: s.kind, stratum: s.stratum, signals: s.signals, why: s.why }, 'sampled for review');
  return id;
}

async function deliverSample(deps: SamplerDeps, row: SampleRow, context: DeliverContext): Promise<void> {
  const request: SampleRequest = {
    tenant: row.tenant,
    provider: row.provider as Provider,
    threadId: row.thread_id,
    sampleId: row.id,
    draftId: row.draft_id,
    kind: row.kind as SampleKind,
    stratum: row.stratum as Stratum,
    signals: row.signals as SolvedSignal[],
    category: row.category,
  };
  const log = { tenant: row.tenant, provider: row.provider, threadId: row.thread_id, sampleId: row.id };
  if (!deps.deliver) return;
  let outcome: DeliveryOutcome;
  try {
    outcome = await deps.deliver(request, context);
  } catch (err) {
    // Permanent (a deleted or closed ticket, a revoked token): recorded and dropped, never retried.
    if (!isPermanent(err)) throw err;
    await markSampleDelivered(deps.db, row.id, { written: false, shadow: false, failed: true, apiCalls: 0, writes: [], detail: `not delivered: ${describe(err)}` }, deps.now());
    deps.logger.warn({ ...log, err: describe(err) }, 'sample review request not delivered (permanent helpdesk error); recorded and dropped');
    return;
  }
  await markSampleDelivered(deps.db, row.id, outcome, deps.now());
  deps.logger.info({ ...log, shadow: outcome.shadow, written: outcome.written, apiCalls: outcome.apiCalls }, outcome.shadow ? 'sample review request recorded in shadow mode' : `sample review request delivered: ${outcome.detail}`);
}
