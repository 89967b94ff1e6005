import type { EscalationRules } from '../policy/escalation-rules';
import { detects } from '../policy/escalation-rules';
import type { Hit } from '../knowledge/article';
import { focusOf } from '../text/focus';
import { contentTerms, sentences, words } from '../text/tokens';
import { focusTerms } from '../policy/specificity';
import { rankArticles } from './article-coverage';
import { CategoryClassifier } from './category-classifier';
import { detectLanguage } from './detect-language';
import { hasLocale } from './model-port';
import type { DraftModel, ModelInput, ModelOutput, ModelResult } from './model-port';
import { scoreSentiment } from './sentiment-score';

export interface OfflineModelOptions {
  rules: EscalationRules;
  /** whether a (stemmed) term occurs anywhere in the tenant's help center */
  isKnownTerm?: (term: string) => boolean;
}

/** Share of the question's topic an article must cover to be cited. */
const CITE_COVERAGE = 0.35;
/** What each noun the help center never uses multiplies the confidence by. */
const GAP_FACTOR = 0.6;
/** How much the cited passage's words count for the category, against the message's. */
const PASSAGE_WEIGHT = 0.5;
/** The most confidence a question that names nothing itself can have, when it is read from the message around it. */
const INFERRED_QUESTION = 0.55;
/** The summed weight of known topical words at which a question counts as fully named. */
const EVIDENCE = 2.5;

/**
 * The embedded default: deterministic and retrieval-based. It reads the asking part of the message
 * (src/text/focus.ts) as lemmas and parts of speech, measures how much of its topic the best article
 * covers and how much of it no article mentions (confidence), classifies with the category
 * descriptions and the cited passage, reads sentiment with VADER and support phrases, takes the
 * escalation signals from the team's patterns and examples (config/escalation.yaml), and composes the
 * draft from the passage's own sentences with the cited link. It reads only languages the help
 * center has articles in.
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
    const language = detectLanguage(question);
    const sentiment = scoreSentiment(question);
    const asksForHuman = detects(rules.humanRequested, question);
    const needsAccount = detects(rules.accountAccess, question);
    const policyException = detects(rules.policyException, question);

    const classifier = new CategoryClassifier(input.categories);
    const previous = [...input.history].reverse().find((m) => m.author === 'customer')?.text ?? '';
    const knows = input.isKnownTerm ?? this.options.isKnownTerm ?? (() => true);
    const weight = input.termWeight ?? ((t: string) => (knows(t) ? 1 : 0));

    // What the answer must cover: the topical words of the asking part of the message; a follow-up that
    // names nothing itself ("and how long does that take?") borrows the previous message's topic.
    // A question that names nothing itself ("What do we need to do now?") is about what the message says around it.
    const asking = focusOf(question);
    const readAround = asking !== question && !focusTerms(asking, { knows }).some((f) => f.known);
    const focus = readAround ? question : asking;
    const ownTerms = focusTerms(focus, { knows });
    const own = ownTerms.filter((f) => f.known);
    // A follow-up that names little ("it still has not arrived") is read with the previous message's
    // topic at half weight; one that names nothing borrows it whole.
    const before = input.history.length > 0 && own.length < 2 ? focusTerms(focusOf(previous), { knows }).filter((f) => f.known && !ownTerms.some((o) => o.term === f.term)) : [];
    const terms = own.length > 0 ? [...ownTerms, ...before.map((f) => ({ ...f, role: f.role * 0.5 }))] : before;
    const wanted = terms.filter((f) => f.known).map((f) => f.term);
    const best = rankArticles(terms, input.sources, weight)[0];
    const covered = best?.coverage ?? 0;
    // Nouns the help center never uses: each one makes the answer less likely to be the one asked for,
    // and more of them than half the known topic make it a question about something else.
    const gaps = terms.filter((f) => !f.known).reduce((sum, f) => sum + f.role, 0);
    let confidence = 0.05;
    let cited: Hit[] = [];
    if (wanted.length === 0) {
      confidence = 0.1; // the message does not say what it is about
    } else if (best) {
      // Evidence: a question that names one common word ("can he drive?") is thinly matched however well it is covered.
      const evidence = Math.min(1, Math.sqrt(terms.filter((f) => f.known).reduce((sum, f) => sum + f.role * weight(f.term), 0) / EVIDENCE));
      // A gap weighs against the size of the known topic: one unknown word in a long, well-named question says less.
      const knownRoles = terms.filter((f) => f.known).reduce((sum, f) => sum + f.role, 0);
      confidence = 0.1 + 0.9 * Math.sqrt(covered) * GAP_FACTOR ** (gaps / Math.max(1, knownRoles / 2)) * evidence;
      if (covered >= CITE_COVERAGE && gaps < 0.5 * knownRoles) cited = [best.hit];
      else confidence = Math.min(confidence, 0.3);
      // What such a question asks is inferred from the story around it: a person confirms that reading.
      if (readAround) confidence = Math.min(confidence, INFERRED_QUESTION);
    }

    // Category: the message's own words first, then what the passage it is answered from is about.
    const fromMessage = classifier.scores(`${input.subject} ${focus} ${own.length > 0 ? '' : previous}`);
    const fromPassage = cited[0] ?? input.sources[0];
    const passageScores = fromPassage ? new Map(classifier.scores(`${fromPassage.title} ${fromPassage.text}`).map((c) => [c.id, c.score])) : new Map<string, number>();
    const combined = fromMessage.map((c) => ({ id: c.id, score: c.score + PASSAGE_WEIGHT * (passageScores.get(c.id) ?? 0) })).sort((a, b) => b.score - a.score);
    const category = combined[0] && combined[0].score > 0 ? combined[0].id : '';

    if (!this.reads(language, input.helpCenterLocales)) {
      confidence *= 0.3; // the help center has nothing in the customer's language
      cited = [];
    }
    confidence = Number(Math.max(0, Math.min(1, confidence)).toFixed(3));

    return {
      category,
      intent: this.intent(question, wanted.length, { asksForHuman, needsAccount, policyException, negative: sentiment.label === 'negative' }),
      language,
      sentiment,
      asks_for_human: asksForHuman,
      needs_account_access: needsAccount,
      policy_exception: policyException,
      confidence,
      missing_fields: this.missingFields(question, needsAccount),
      draft: cited.length > 0 ? this.compose(input, cited, wanted) : '',
      cited_source_ids: cited.map((h) => h.id),
      recommended_next_step: cited.length > 0 ? `Check the draft against "${cited[0]!.title}" and send it.` : 'Answer personally; the help center does not cover this question.',
    };
  }

  /** It reads a language only through articles written in it: a help center without them leaves it blind. */
  reads(language: string, helpCenterLocales: string[]): boolean {
    return language === 'und' || helpCenterLocales.length === 0 || hasLocale(language, helpCenterLocales);
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
