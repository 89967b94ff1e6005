import type { Message, Thread } from '../domain/thread';
import { Brief, composeBrief } from '../brief/brief';
import type { Hit } from '../knowledge/article';
import type { KnowledgeIndex } from '../knowledge/knowledge-index';
import { guardDraft } from '../policy/output-guard';
import type { DraftModel, ModelOutput, ModelUsage } from '../model/model-port';
import { Redactor } from '../model/redact';
import { decide, Decision } from '../policy/decide';
import { checkPublication, PublicationVerdict } from '../policy/publication-guard';
import { escalationReasons, Reason } from '../policy/reasons';
import { isSpecific } from '../policy/specificity';
import type { CategoriesFile } from '../policy/categories';
import type { EscalationRules } from '../policy/escalation-rules';
import { ModeOverrides, withLiveMode } from '../lifecycle/live-modes';

export interface DraftDeps {
  index: KnowledgeIndex;
  model: DraftModel;
  categories: CategoriesFile;
  /** the tenant's stored category modes (promotions, demotions) over the categories' own `mode` */
  modes?: ModeOverrides;
  rules: EscalationRules;
  /** number of passages retrieved for the model */
  sourcesLimit?: number;
  canary?: string;
  /** cross-ticket repeat: did this requester get an AI answer in this category within the window? */
  hadRecentAiAnswer?: (q: { tenant: string; requesterId: string; category: string; since: Date; excludeThreadId: string }) => Promise<boolean>;
  now?: () => Date;
}

export interface DraftResult {
  messageId: string;
  decision: Decision;
  category: string;
  intent: string;
  confidence: number;
  sentiment: { label: string; score: number };
  escalation_reasons: Reason[];
  /** cited sources */
  sources: { id: string; title: string; url: string }[];
  /** the draft with the customer's own identifiers restored; null when there is none */
  draft: string | null;
  brief: Brief;
  guard: string[];
  /** the publication guard's verdict, for a draft that was up for autopilot */
  publication?: PublicationVerdict;
  model: string;
  usage?: ModelUsage;
}

const FALLBACK: Omit<ModelOutput, 'confidence' | 'recommended_next_step'> = {
  category: '',
  intent: 'unknown',
  language: 'und',
  sentiment: { label: 'neutral', score: 0 },
  asks_for_human: false,
  needs_account_access: false,
  policy_exception: false,
  missing_fields: [],
  draft: '',
  cited_source_ids: [],
};

/**
 * The conversation the customer sees: the thread's public messages, oldest first. Internal notes
 * (an agent's, or draftpilot's own briefs) stay out of drafting: they are not what the customer was
 * told, and nothing in them may reach a reply.
 */
export function conversationOf(thread: Thread): { last: Message | undefined; earlier: Message[] } {
  const visible = thread.messages.filter((m) => m.public);
  return { last: visible[visible.length - 1], earlier: visible.slice(0, -1) };
}

/**
 * The message to draft for: the newest public message, when a customer (the requester or anyone on
 * the customer's side) wrote it. An agent's reply, draftpilot's own reply or an internal note after
 * it is not one; a note after a customer's message does not hide that message.
 */
export function messageToAnswer(thread: Thread): Message | undefined {
  const { last } = conversationOf(thread);
  return last?.author === 'customer' ? last : undefined;
}

/**
 * The drafting pipeline for one thread: redact, retrieve, ask the model, guard the output, apply the
 * escalation rules and the category's mode, compose the brief. Returns null when there is no customer
 * message to answer (see messageToAnswer). The earlier public messages are the history: what
 * draftpilot and the agents answered before (repeat_after_ai, the brief's previous answers).
 */
export async function draftReply(deps: DraftDeps, thread: Thread): Promise<DraftResult | null> {
  const last = messageToAnswer(thread);
  if (!last) return null;
  const { earlier } = conversationOf(thread);

  const redactor = new Redactor({ names: [thread.requester.name] });
  const question = redactor.redact(last.text);
  const history = earlier.map((m) => ({ author: m.author, text: redactor.redact(m.text) }));
  const subject = redactor.redact(thread.subject);

  // A follow-up ("it still has not arrived") is searched together with the customer's previous message.
  const previous = [...history].reverse().find((m) => m.author === 'customer')?.text ?? '';
  const retrieved = deps.index.query(`${subject} ${question} ${previous}`, { limit: deps.sourcesLimit ?? 5 });
  const result = await deps.model.draft({
    subject,
    question,
    history,
    sources: retrieved,
    categories: deps.categories.categories,
    requesterName: thread.requester.name,
    helpCenterLocales: deps.index.locales(),
    isKnownTerm: (t) => deps.index.knows(t),
    termWeight: (t) => deps.index.weight(t),
  });

  // A refusal or an invalid answer is never a draft: it becomes an escalation with what is known.
  const output: ModelOutput = result.ok
    ? result.output
    : { ...FALLBACK, confidence: 0, recommended_next_step: `The model gave no usable answer (${result.kind}): answer personally.` };
  const listed = deps.categories.categories.find((c) => c.id === output.category);
  const category = listed && withLiveMode(listed, deps.modes);
  const thresholds = { ...deps.rules.thresholds, ...(category?.thresholds ?? {}) };
  const cited: Hit[] = output.cited_source_ids.map((id) => retrieved.find((h) => h.id === id)).filter((h): h is Hit => Boolean(h));
  const guard = guardDraft({ draft: output.draft, cited, question, rules: deps.rules, ...(deps.canary ? { canary: deps.canary } : {}) });

  let repeatAcrossTickets = false;
  if (deps.hadRecentAiAnswer && thread.requester.id && category) {
    const now = deps.now?.() ?? new Date();
    repeatAcrossTickets = await deps.hadRecentAiAnswer({
      tenant: thread.tenant,
      requesterId: thread.requester.id,
      category: category.id,
      since: new Date(now.getTime() - deps.rules.repeatWindowDays * 86_400_000),
      excludeThreadId: thread.id,
    });
  }

  // A message that names nothing the help center is about, read with the message before it (a
  // follow-up borrows its topic), and a language the model cannot read are low confidence, whatever
  // the model says.
  const knows = { knows: (t: string) => deps.index.knows(t) };
  const unspecific = deps.index.size > 0 && !isSpecific(`${subject} ${question}`, knows) && !(previous && isSpecific(previous, knows));
  const language = result.ok ? output.language : 'und';
  const unreadable = Boolean(deps.model.reads && !deps.model.reads(language, deps.index.locales()));
  const reasons = escalationReasons({
    output,
    question,
    earlier,
    validCitations: cited.length,
    guardTripped: guard.tripped || (!result.ok && result.kind === 'refusal'),
    thresholds,
    rules: deps.rules,
    repeatAcrossTickets,
    modelFailed: !result.ok,
    unspecific,
    unreadable,
  });
  let decision = decide({ category, reasons, hasCitation: cited.length > 0, confidence: output.confidence, autopilotThreshold: thresholds.autopilot, agentEngaged: earlier.some((m) => m.author === 'agent' && m.public) });
  // A draft the guard rejected is not offered to anyone, not even as a suggestion.
  const draft = result.ok && output.draft.trim() && !guard.tripped ? redactor.restore(output.draft) : null;
  // Nothing is published before the publication guard: a reply it does not approve goes to review,
  // where an agent reads it (with the customer's details restored) in an internal note.
  let publication: PublicationVerdict | undefined;
  if (decision === 'autopilot') {
    publication = checkPublication({
      text: draft ?? '',
      modelText: output.draft,
      sources: cited.map((h) => ({ url: h.url, title: h.title, text: h.text })),
      question,
      redactedValues: redactor.values(),
      allowedLinkDomains: deps.rules.allowedLinkDomains,
    });
    if (!publication.ok) decision = 'review';
  }
  // pages consulted: the retrieved ones that scored at least a third of the best
  const consulted = retrieved.filter((h) => h.score >= (retrieved[0]?.score ?? 0) / 3);
  const brief = composeBrief({ question: last.text, earlier, output, consulted, reasons, unspecific, ...(unreadable ? { unreadableLanguage: language } : {}) });
  return {
    messageId: last.id,
    decision,
    category: output.category,
    intent: output.intent,
    confidence: output.confidence,
    sentiment: output.sentiment,
    escalation_reasons: reasons,
    sources: cited.map((h) => ({ id: h.id, title: h.title, url: h.url })),
    draft,
    brief,
    guard: guard.findings,
    ...(publication ? { publication } : {}),
    model: result.model,
    ...(result.usage ? { usage: result.usage } : {}),
  };
}
