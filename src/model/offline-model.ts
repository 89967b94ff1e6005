import type { EscalationRules } from '../policy/escalation-rules';
import { matchesAny } from '../policy/escalation-rules';
import type { Hit } from '../knowledge/article';
import { contentTerms, sentences, words } from '../text/tokens';
import { CategoryClassifier } from './category-classifier';
import { detectLanguage } from './detect-language';
import type { DraftModel, ModelInput, ModelOutput, ModelResult } from './model-port';
import { scoreSentiment } from './sentiment-score';

export interface OfflineModelOptions {
  rules: EscalationRules;
  /** whether a (stemmed) term occurs anywhere in the tenant's help center */
  isKnownTerm?: (term: string) => boolean;
}

const NOT_ENTITIES = new Set(['i', 'im', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december', 'ok', 'pdf', 'csv', 'faq', 'app', 'hi', 'hello']);

/**
 * The embedded default: deterministic and retrieval-based. It classifies with the category
 * descriptions, reads sentiment from a lexicon with negation, takes the escalation signals from the
 * team's patterns (config/escalation.yaml), measures confidence by how much of the question the best
 * passage covers, and composes the draft from the passages' own sentences with the cited link.
 */
export class OfflineModel implements DraftModel {
  readonly name = 'offline';

  constructor(private readonly options: OfflineModelOptions) {}

  async draft(input: ModelInput): Promise<ModelResult> {
    return { ok: true, output: this.answer(input), model: this.name, usage: { promptTokens: 0, completionTokens: 0 } };
  }

  answer(input: ModelInput): ModelOutput {
    const { rules } = this.options;
    const question = input.question;
    const qTerms = [...new Set(contentTerms(question))];
    const language = detectLanguage(question);
    const sentiment = scoreSentiment(question);
    const asksForHuman = matchesAny(rules.humanRequested, question);
    const needsAccount = matchesAny(rules.accountAccess, question);
    const policyException = matchesAny(rules.policyException, question);

    const classifier = new CategoryClassifier(input.categories);
    const previous = [...input.history].reverse().find((m) => m.author === 'customer')?.text ?? '';
    const categoryScores = classifier.scores(`${input.subject} ${question} ${previous}`);
    const top = input.sources[0];
    let category = categoryScores[0] && categoryScores[0].score > 0 ? categoryScores[0].id : '';
    if (!category && top) category = classifier.scores(`${top.title} ${top.text}`)[0]?.id ?? '';

    // Confidence: how much of the question the best passage covers, scaled by how clearly it leads.
    const unknownEntity = this.unknownEntity(question, input.isKnownTerm ?? this.options.isKnownTerm);
    let confidence = 0.05;
    let cited: Hit[] = [];
    if (qTerms.length > 0 && top) {
      const coverage = (hit: Hit) => {
        const passageTerms = new Set(contentTerms(`${hit.title} ${hit.text}`));
        return qTerms.filter((t) => passageTerms.has(t)).length / qTerms.length;
      };
      const best = [...input.sources.slice(0, 3)].map((hit) => ({ hit, coverage: coverage(hit) })).sort((a, b) => b.coverage - a.coverage || b.hit.score - a.hit.score)[0]!;
      const second = input.sources.find((h) => h.articleId !== best.hit.articleId);
      const lead = second ? Math.min(1, (best.hit.score - second.score) / best.hit.score + 0.5) : 1;
      confidence = 0.1 + 0.9 * best.coverage * (0.6 + 0.4 * lead);
      if (best.coverage >= 0.34) cited = [best.hit];
      if (unknownEntity) {
        confidence *= 0.4;
        cited = [];
      }
    }
    if (language !== 'und' && input.helpCenterLocales.length > 0 && !input.helpCenterLocales.some((l) => l.toLowerCase().startsWith(language))) {
      confidence *= 0.3; // the help center has nothing in the customer's language
    }
    confidence = Number(Math.max(0, Math.min(1, confidence)).toFixed(3));

    return {
      category,
      intent: this.intent(question, qTerms.length, { asksForHuman, needsAccount, policyException, negative: sentiment.label === 'negative' }),
      language,
      sentiment,
      asks_for_human: asksForHuman,
      needs_account_access: needsAccount,
      policy_exception: policyException,
      confidence,
      missing_fields: this.missingFields(question, needsAccount),
      draft: cited.length > 0 ? this.compose(input, cited, qTerms) : '',
      cited_source_ids: cited.map((h) => h.id),
      recommended_next_step: cited.length > 0 ? `Check the draft against "${cited[0]!.title}" and send it.` : 'Answer personally; the help center does not cover this question.',
    };
  }

  /** A capitalized name in mid-sentence that the help center never mentions ("Salesforce"). */
  private unknownEntity(question: string, isKnownTerm: ((term: string) => boolean) | undefined): boolean {
    if (!isKnownTerm) return false;
    for (const sentence of sentences(question)) {
      const tokens = sentence.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? [];
      for (const token of tokens.slice(1)) {
        if (!/^\p{Lu}/u.test(token) || token.length < 3 || NOT_ENTITIES.has(token.toLowerCase())) continue;
        const term = contentTerms(token)[0];
        if (term && !isKnownTerm(term)) return true;
      }
    }
    return false;
  }

  private intent(question: string, termCount: number, f: { asksForHuman: boolean; needsAccount: boolean; policyException: boolean; negative: boolean }): string {
    if (termCount === 0) return 'greeting_or_unclear';
    if (f.asksForHuman) return 'request_human';
    if (f.policyException) return 'policy_exception_request';
    if (f.needsAccount) return 'account_request';
    if (/\b(not working|stopped|doesn'?t work|error|fail(ed|s|ing)?|broken|can'?t|cannot|unable)\b/i.test(question)) return 'troubleshooting';
    if (f.negative) return 'complaint';
    if (/\bhow (do|can|to|should)\b/i.test(question)) return 'how_to';
    if (question.includes('?')) return 'question';
    return 'statement';
  }

  private missingFields(question: string, needsAccount: boolean): string[] {
    const fields: string[] = [];
    if (needsAccount && !/\[EMAIL_\d+\]/.test(question)) fields.push('account email');
    if (/\border\b/i.test(question) && !/\b(order|#)\s*(number|no\.?|#)?\s*[:#]?\s*[A-Z0-9-]*\d{3,}/i.test(question)) fields.push('order number');
    if (/\b(charged|billed|charge|payment)\b/i.test(question) && !/[$€£]\s?\d|\d+\s?(usd|eur|gbp)/i.test(question)) fields.push('amount and date of the charge');
    return fields;
  }

  /** The sentences of the cited passage that answer the question, in their own order, and the link. */
  private compose(input: ModelInput, cited: Hit[], qTerms: string[]): string {
    const hit = cited[0]!;
    const ranked = sentences(hit.text).map((s, i) => {
      const terms = new Set(contentTerms(s));
      return { s, i, score: qTerms.filter((t) => terms.has(t)).length };
    });
    const chosen = ranked
      .filter((r) => r.score > 0)
      .sort((a, b) => b.score - a.score || a.i - b.i)
      .slice(0, 2)
      .sort((a, b) => a.i - b.i)
      .map((r) => r.s);
    const body = chosen.length > 0 ? chosen.join(' ') : (sentences(hit.text)[0] ?? hit.text);
    const name = input.requesterName ? words(input.requesterName)[0] : undefined;
    const greeting = name ? `Hi ${name.charAt(0).toUpperCase()}${name.slice(1)},` : 'Hi,';
    return `${greeting}\n\n${body}\n\nYou can read more in "${hit.title}": ${hit.url}\n\nIf this does not solve it, reply here and we will take it from there.`;
  }
}
