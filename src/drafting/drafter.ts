import type { Kysely } from 'kysely';
import { countDraft, ModelPrice } from '../metrics/metrics';
import type { Message, Thread } from '../domain/thread';
import type { ThreadKey } from '../domain/thread-key';
import { isInstant } from '../domain/instant';
import { renderBriefText } from '../brief/render-brief';
import { ownWriteId } from '../threads/merge-thread';
import { addMessages } from '../threads/thread-store';
import type { KnowledgeIndex } from '../knowledge/knowledge-index';
import type { Logger } from '../logger';
import { canaryOf } from '../model/create-model';
import type { DraftModel } from '../model/model-port';
import type { Database } from '../store/schema';
import type { CategoriesFile } from '../policy/categories';
import { draftReply, DraftResult, messageToAnswer } from './draft-reply';
import { DraftRow, findDraft, hadRecentAiAnswer, markDelivered, saveDraft, supersedePending } from './draft-store';
import type { DeliverContext, DeliveryOutcome, DeliveryRequest, TenantDelivery } from '../delivery/delivery-port';
import type { TenantSettings } from '../settings/tenant-settings';
import { briefSchema } from '../brief/brief';
import type { Decision } from '../policy/decide';
import type { Reason } from '../policy/reasons';
import { describe } from '../domain/errors';
import { isPermanent } from '../jobs/job-errors';
import type { EscalationRules } from '../policy/escalation-rules';
import type { ModeOverrides } from '../lifecycle/live-modes';

export interface DrafterDeps {
  /** per million tokens, by model: the estimated cost in the metrics (settings metrics.model_prices) */
  modelPrices?: Readonly<Record<string, ModelPrice>>;
  db: Kysely<Database>;
  /** the tenant's help-center index */
  knowledge: (tenant: string) => Promise<KnowledgeIndex>;
  model: DraftModel;
  categories: (tenant: string) => CategoriesFile;
  rules: EscalationRules;
  sourcesLimit: number;
  logger: Logger;
  now: () => Date;
  /**
   * A tenant's own settings (PUT /api/settings/:tenant, the helpdesk apps): its categories, thresholds
   * and delivery over the service's. Undefined: the service's configuration.
   */
  tenantSettings?: (tenant: string) => Promise<TenantSettings | undefined>;
  /** the tenant's stored category modes (cached: docs/lifecycle.md, How the decision reads the mode) */
  liveModes?: (tenant: string) => Promise<ModeOverrides>;
  /** delivery into the helpdesk; a draft is delivered once, and again on a retry if that failed */
  deliver?: (request: DeliveryRequest, context: DeliverContext) => Promise<DeliveryOutcome>;
}

/** How the job ended for a thread: nothing to report, or given up on with the reason (recorded). */
export interface DraftOutcome {
  failed?: string;
}

/**
 * Drafts a reply to a thread whose newest message is a customer's and has no draft yet, and delivers it.
 * Idempotent: one draft per customer message (unique in the store), so a retried job drafts nothing
 * twice, and a stored draft whose delivery did not complete is delivered again (the writers check for
 * their marker first, so a write that happened before a crash is not repeated).
 */
export function createDrafter(deps: DrafterDeps) {
  return async function draftThread(thread: Thread): Promise<DraftOutcome> {
    // Drafting is CPU work on the event loop that also answers webhooks: yield between threads so a
    // batch of drafts never holds a webhook answer for longer than one draft.
    await new Promise((resolve) => setImmediate(resolve));
    // Only a public customer message is drafted for: an agent's reply or note, or draftpilot's own
    // write, folded into the thread, drafts nothing.
    const last = messageToAnswer(thread);
    if (!last) return {};
    const existing = await findDraft(deps.db, thread, last.id);
    if (existing && (existing.delivered_at || !deps.deliver)) return {};
    const own = await deps.tenantSettings?.(thread.tenant);
    const tenantDelivery = tenantDeliveryOf(own);
    if (existing) {
      // Drafted by an earlier run whose delivery did not complete: deliver it now (idempotent by the draft's marker).
      const supersedes = (await deps.db.selectFrom('drafts').select('id').where('superseded_by', '=', existing.id).execute()).map((r) => r.id);
      return deliverDraft(deps, thread, { ...requestFromRow(thread, existing), ...(supersedes.length ? { supersedes } : {}), ...tenantDelivery }, {});
    }
    const result = await draftReply(
      {
        index: await deps.knowledge(thread.tenant),
        model: deps.model,
        categories: own?.categories ?? deps.categories(thread.tenant),
        ...(deps.liveModes ? { modes: await deps.liveModes(thread.tenant) } : {}),
        rules: own?.thresholds ? { ...deps.rules, thresholds: { ...deps.rules.thresholds, ...own.thresholds } } : deps.rules,
        sourcesLimit: deps.sourcesLimit,
        ...(canaryOf(deps.model) ? { canary: canaryOf(deps.model)! } : {}),
        hadRecentAiAnswer: (q) => hadRecentAiAnswer(deps.db, q),
        now: deps.now,
      },
      thread,
    );
    if (!result) return {};
    const id = await saveDraft(deps.db, thread, result, deps.now());
    if (!id) return {};
    countDraft({ tenant: thread.tenant, category: result.category, decision: result.decision, reasons: result.escalation_reasons, model: result.model, ...(result.usage ? { usage: result.usage } : {}) }, deps.modelPrices);
    deps.logger.info(
      { tenant: thread.tenant, provider: thread.provider, threadId: thread.id, draftId: id, decision: result.decision, reasons: result.escalation_reasons, category: result.category, confidence: result.confidence, model: result.model },
      'draft decided',
    );
    // A draft still waiting for an agent is replaced by this one: marked in the store, named in the new note.
    const supersedes = await supersedePending(deps.db, thread, id);
    // Just stored: no writer has seen this draft, so no earlier attempt can have written it.
    if (!deps.deliver) return {};
    return deliverDraft(deps, thread, { ...requestFromResult(thread, id, result), ...(supersedes.length ? { supersedes } : {}), ...tenantDelivery }, { firstAttempt: true });
  };
}

async function deliverDraft(deps: DrafterDeps, thread: Thread, request: DeliveryRequest, context: DeliverContext): Promise<DraftOutcome> {
  let outcome: DeliveryOutcome;
  try {
    outcome = await deps.deliver!(request, context);
  } catch (err) {
    // Permanent (a deleted ticket, a revoked token, 422): recorded with the draft and dropped, never
    // retried. Anything else (429, 5xx, a reset connection) goes back to the queue.
    if (!isPermanent(err)) throw err;
    const detail = `not delivered: ${describe(err)}`;
    await markDelivered(deps.db, request.draftId, { written: false, shadow: false, failed: true, apiCalls: 0, writes: [], detail }, deps.now());
    deps.logger.warn({ tenant: thread.tenant, provider: thread.provider, threadId: thread.id, draftId: request.draftId, err: describe(err) }, 'draft not delivered (permanent helpdesk error); recorded and dropped');
    return { failed: detail };
  }
  // What draftpilot wrote becomes part of the thread (before the delivery is marked done, so a retry
  // that finds the write already there records it then): the next customer message sees the answer.
  if (!outcome.shadow && (outcome.written || outcome.posted)) await addMessages(deps.db, keyOf(thread), [ownMessage(request, outcome, deps.now())], deps.now());
  await markDelivered(deps.db, request.draftId, outcome, deps.now());
  deps.logger.info(
    { tenant: thread.tenant, provider: thread.provider, threadId: thread.id, draftId: request.draftId, shadow: outcome.shadow, written: outcome.written, apiCalls: outcome.apiCalls },
    outcome.shadow ? 'draft recorded in shadow mode (nothing written to the helpdesk)' : `draft delivered: ${outcome.detail}`,
  );
  return {};
}

/** The delivery part of a tenant's settings, as the writers take it (nothing when it sets none). */
function tenantDeliveryOf(own: TenantSettings | undefined): { tenantDelivery?: TenantDelivery } {
  const d: TenantDelivery = {
    ...(own?.delivery_mode ? { mode: own.delivery_mode } : {}),
    ...(own?.escalation?.zendesk_group_id ? { escalationGroupId: own.escalation.zendesk_group_id } : {}),
    ...(own?.escalation?.intercom_team_id ? { escalationTeamId: own.escalation.intercom_team_id } : {}),
  };
  return Object.keys(d).length ? { tenantDelivery: d } : {};
}

const keyOf = (thread: Thread): ThreadKey => ({ tenant: thread.tenant, provider: thread.provider, threadId: thread.id });

/**
 * draftpilot's own write as a message of the thread: author 'ai'; public for an autopilot reply (its
 * text, the draft), internal for a note (the brief and draft as plain text). Its id and time are the
 * helpdesk's when the answer named them (a webhook about the same write then merges with it by id).
 */
export function ownMessage(request: DeliveryRequest, outcome: Pick<DeliveryOutcome, 'posted'>, now: Date): Message {
  const isPublic = request.decision === 'autopilot';
  const posted = outcome.posted;
  return {
    id: posted?.id ?? ownWriteId(request.draftId),
    author: 'ai',
    public: isPublic,
    text: isPublic ? (request.draft ?? '') : renderBriefText(request.brief, request.draft, request.decision),
    createdAt: posted?.createdAt && isInstant(posted.createdAt) ? posted.createdAt : now.toISOString(),
  };
}

/** What a freshly decided draft asks of the helpdesk. */
export function requestFromResult(thread: Thread, draftId: string, r: DraftResult): DeliveryRequest {
  return {
    tenant: thread.tenant,
    provider: thread.provider,
    threadId: thread.id,
    draftId,
    messageId: r.messageId,
    decision: r.decision,
    reasons: r.escalation_reasons,
    category: r.category,
    brief: r.brief,
    draft: r.draft,
    ...(r.publication ? { publication: r.publication } : {}),
  };
}

function requestFromRow(thread: Thread, row: DraftRow): DeliveryRequest {
  return {
    tenant: thread.tenant,
    provider: thread.provider,
    threadId: thread.id,
    draftId: row.id,
    messageId: row.message_id,
    decision: row.decision as Decision,
    reasons: row.reasons as Reason[],
    category: row.category,
    brief: briefSchema.parse(row.brief),
    draft: row.draft,
    ...(row.publication ? { publication: row.publication } : {}),
  };
}
