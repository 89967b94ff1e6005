import type { Kysely } from 'kysely';
import type { DraftRow } from '../drafting/draft-store';
import type { Article } from '../knowledge/article';
import { loadArticles } from '../knowledge/article-store';
import { checkPublication, PublicationVerdict } from '../policy/publication-guard';
import type { Database } from '../store/schema';
import { loadThread } from '../threads/thread-store';

export interface ReplyGuardOptions {
  /** the markdown articles tenants without their own help center draft from (KNOWLEDGE_DIR) */
  fallbackArticles: readonly Article[];
  /** allowed_link_domains of the escalation rules */
  allowedLinkDomains: readonly string[];
}

/**
 * The publication guard on a reply a teammate is about to send from the inbox app: the same rules an
 * autopilot reply passes (src/policy/publication-guard.ts), on the exact text, against the draft's
 * cited articles and the customer's message it answers. What the redactor replaced is not stored, so
 * redacted values are caught here by their placeholders only. The verdict does not stop the teammate:
 * its findings are shown and sending anyway takes a second click.
 */
export async function guardTeammateReply(db: Kysely<Database>, draft: DraftRow, text: string, options: ReplyGuardOptions): Promise<PublicationVerdict> {
  const own = await loadArticles(db, draft.tenant);
  const articles = own.length > 0 ? own : options.fallbackArticles;
  const cited = new Set(draft.sources.map((s) => s.url));
  const sources = articles.filter((a) => cited.has(a.url)).map((a) => ({ url: a.url, title: a.title, text: a.body }));
  const stored = await loadThread(db, { tenant: draft.tenant, provider: draft.provider as 'intercom', threadId: draft.thread_id });
  const question = stored?.thread.messages.find((m) => m.id === draft.message_id)?.text ?? '';
  return checkPublication({ text, modelText: text, sources, question, redactedValues: [], allowedLinkDomains: [...options.allowedLinkDomains] });
}
