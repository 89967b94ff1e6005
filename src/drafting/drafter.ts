import type { Kysely } from 'kysely';
import type { Thread } from '../../webhooks/thread';
import type { KnowledgeIndex } from '../knowledge/knowledge-index';
import type { Logger } from '../logger';
import { canaryOf } from '../model/create-model';
import type { DraftModel } from '../model/model-port';
import type { Database } from '../store/schema';
import type { CategoriesFile } from './categories-config';
import { draftReply, DraftResult } from './draft-reply';
import { hadRecentAiAnswer, hasDraft, saveDraft } from './draft-store';
import type { EscalationRules } from './escalation-config';

export interface DrafterDeps {
  db: Kysely<Database>;
  /** the tenant's help-center index */
  knowledge: (tenant: string) => Promise<KnowledgeIndex>;
  model: DraftModel;
  categories: (tenant: string) => CategoriesFile;
  rules: EscalationRules;
  sourcesLimit: number;
  logger: Logger;
  now: () => Date;
  /** called with every stored draft (delivery into the helpdesk plugs in here) */
  onDraft?: (thread: Thread, draftId: string, result: DraftResult) => Promise<void>;
}

/**
 * Drafts a reply to every thread whose newest message is a customer's and has no draft yet.
 * Idempotent: one draft per customer message (unique in the store), so a retried job drafts nothing twice.
 */
export function createDrafter(deps: DrafterDeps) {
  return async function draftThreads(threads: Thread[]): Promise<void> {
    for (const thread of threads) {
      // Drafting is CPU work on the event loop that also answers webhooks: yield between threads so a
      // batch of drafts never holds a webhook answer for longer than one draft.
      await new Promise((resolve) => setImmediate(resolve));
      const last = thread.messages[thread.messages.length - 1];
      if (!last || last.author !== 'customer') continue;
      if (await hasDraft(deps.db, thread, last.id)) continue;
      const result = await draftReply(
        {
          index: await deps.knowledge(thread.tenant),
          model: deps.model,
          categories: deps.categories(thread.tenant),
          rules: deps.rules,
          sourcesLimit: deps.sourcesLimit,
          ...(canaryOf(deps.model) ? { canary: canaryOf(deps.model)! } : {}),
          hadRecentAiAnswer: (q) => hadRecentAiAnswer(deps.db, q),
          now: deps.now,
        },
        thread,
      );
      if (!result) continue;
      const id = await saveDraft(deps.db, thread, result, deps.now());
      if (!id) continue;
      deps.logger.info(
        { tenant: thread.tenant, provider: thread.provider, threadId: thread.id, draftId: id, decision: result.decision, reasons: result.escalation_reasons, category: result.category, confidence: result.confidence, model: result.model },
        'draft decided (shadow mode: nothing written to the helpdesk)',
      );
      if (deps.onDraft) await deps.onDraft(thread, id, result);
    }
  };
}
