import { createHash } from 'node:crypto';
import { contentTerms, sentences, words } from '../text/tokens';
import { foreignLinks, URL_PATTERN } from './links';

/**
 * The publication guard: the last check before any text is sent to a customer as a public reply
 * (autopilot today; an agent's explicit send goes through it too). Model output is untrusted input:
 * it can carry a customer's injected instructions, invent facts, or repeat what was redacted. A reply
 * that fails any rule is not published; the drafting pipeline sends it to review instead, where an
 * agent reads it in an internal note.
 *
 * The rules, each generic (no product, place or company named):
 * - nothing that was redacted before the model: no placeholder in the model's text, no redacted value
 *   in the text as it would be sent;
 * - no statement that an action on the customer's account, order or payment was taken (cancelled,
 *   refunded, reset, closed, approved...): draftpilot takes no actions, so such a sentence is untrue
 *   unless a cited source says it in those words;
 * - no request for credentials (passwords, one-time codes, full card numbers...) and no password given;
 * - every link is a cited source's (or an allowed domain); every number appears in a cited source or
 *   the customer's own message;
 * - every sentence of substance is supported by the cited sources (most of its content words are in
 *   them), and none turns a source's statement into its negation.
 */

export interface PublicationSource {
  url: string;
  title: string;
  text: string;
}

export interface PublicationInput {
  /** the reply as it would be sent (identifiers restored where the model used placeholders) */
  text: string;
  /** the model's text, before restoration: a placeholder in it is a redacted value about to go out */
  modelText: string;
  /** the passages the reply cites */
  sources: PublicationSource[];
  /** the customer's message (redacted): numbers and words the customer wrote may be echoed */
  question: string;
  /** every value the redactor replaced before the model saw the thread */
  redactedValues: string[];
  allowedLinkDomains: string[];
}

export interface PublicationVerdict {
  ok: boolean;
  findings: string[];
  /** sha256 of the exact text checked: a writer publishes only that text */
  sha256: string;
}

const PLACEHOLDER = /\[(?:EMAIL|CARD|IBAN|SSN|PHONE|NAME|ADDRESS|SECRET)_\d+\]/;

/** An action on the account stated as done (or about to be done by us). */
const ACTION_WORDS =
  'cancel(?:l?ed)?|refund(?:ed)?|reset|clos(?:e|ed)|delet(?:e|ed)|remov(?:e|ed)|approv(?:e|ed)|credit(?:ed)?|reactivat(?:e|ed)|unlock(?:ed)?|upgrad(?:e|ed)|downgrad(?:e|ed)|suspend(?:ed)?|terminat(?:e|ed)|revers(?:e|ed)|waiv(?:e|ed)|issu(?:e|ed)|process(?:ed)?|chang(?:e|ed)|updat(?:e|ed)|replac(?:e|ed)|ship(?:ped)?|block(?:ed)?|verif(?:y|ied)|restor(?:e|ed)|extend(?:ed)?|compensat(?:e|ed)|activat(?:e|ed)|deactivat(?:e|ed)';
const DONE_WORDS =
  'cancell?ed|refunded|reset|closed|deleted|removed|approved|credited|reactivated|unlocked|upgraded|downgraded|suspended|terminated|reversed|waived|issued|processed|changed|updated|replaced|shipped|blocked|verified|restored|extended|compensated|activated|deactivated';
const ACTION_PATTERNS: RegExp[] = [
  // "your order has been cancelled", "the refund was issued", "your account is now closed"
  new RegExp(`\\b(?:has|have|had|was|were|is|are)\\s+(?:now\\s+|just\\s+|already\\s+|successfully\\s+|been\\s+)*(?:${ACTION_WORDS})\\b`, 'i'),
  // "I have refunded", "we've cancelled", "I will reset", "we just closed"
  new RegExp(`\\b(?:i|we)(?:'ve|'ll|’ve|’ll|\\s+have|\\s+will|\\s+just|\\s+already|\\s+went\\s+ahead\\s+and|\\s+can)*\\s+(?:${ACTION_WORDS})\\b`, 'i'),
  // "done: your password is reset to ..."
  /\b(?:your|the)\s+(?:new\s+|temporary\s+)?password\s+(?:is|was|has been)\b/i,
  // a sentence that opens with the deed itself: "Cancelled your order free of charge.", "Done, refunded."
  new RegExp(`^(?:(?:done|ok|okay|sure|great|all set)[\\s,.:;!-]+)?(?:${DONE_WORDS})\\b`, 'i'),
];

const CREDENTIAL =
  '(?:password|passcode|pass\\s*word|pin(?:\\s*code)?|one[- ]time\\s+(?:code|password)|verification\\s+code|security\\s+code|2fa\\s+code|otp|cvv|cvc|card\\s+number|social\\s+security(?:\\s+number)?|ssn|login\\s+details|credentials|recovery\\s+codes?)';
const CREDENTIAL_REQUEST = new RegExp(
  `\\b(?:send|give|tell|share|provide|confirm|reply\\s+with|type|enter|email|text|forward|post|include|need|require)\\b[^.?!\\n]{0,60}\\b${CREDENTIAL}\\b|\\b(?:what\\s+is|what's)\\s+your\\s+${CREDENTIAL}\\b`,
  'i',
);

/** Words that limit a claim to a condition, and words that widen one past any condition. */
const LIMITING = /\b(?:until|till|before|within|only|unless|as long as|no later than|at most|at least|up to|provided|if)\b/i;
const BROADENING = /\b(?:after|any ?time|always|regardless|even|whenever|no matter|unlimited|forever|indefinitely|at all times)\b/i;

const NEGATION = /\b(?:not|no|never|cannot|can't|can’t|won't|won’t|don't|don’t|doesn't|doesn’t|isn't|isn’t|aren't|aren’t|unable|without)\b|n't\b/i;

/**
 * Words of the conversation itself, not claims: a greeting, a thank-you, an offer to help further.
 * A sentence made only of these needs no source. Stemmed like everything else (contentTerms).
 */
const CONVERSATIONAL = new Set(
  contentTerms(
    'hi hello dear thanks thank glad happy help helps helped reply replies here there further question questions let know contact feel free hope solve solves solved take read more see details detail article articles page information info below above kind regards team best wishes sorry hear trouble issue issues get back touch anything else assist assistance welcome great day morning afternoon evening look looks looking forward quick note find found link steps step guide guides source sources',
  ),
);

const NEGATIONS = new Set(contentTerms('not no never cannot cant can’t won’t wont dont don’t doesnt isnt arent unable without nor none'));

/** How much of a sentence's content must be found in the sources for it to count as supported. */
const SUPPORT_SHARE = 0.6;

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function checkPublication(input: PublicationInput): PublicationVerdict {
  const findings: string[] = [];
  const text = input.text;
  if (!text.trim()) findings.push('the reply is empty');

  if (PLACEHOLDER.test(input.modelText) || PLACEHOLDER.test(text)) findings.push('the reply repeats an identifier that was redacted from the customer\'s message');
  for (const value of redactedLeaks(text, input.redactedValues)) findings.push(`the reply contains a redacted value (${mask(value)})`);

  for (const sentence of sentences(text)) {
    if (ACTION_PATTERNS.some((p) => p.test(sentence)) && !statedInSources(sentence, input.sources)) findings.push(`the reply states an action on the account that draftpilot did not take: "${clip(sentence)}"`);
    if (CREDENTIAL_REQUEST.test(sentence)) findings.push(`the reply asks for credentials: "${clip(sentence)}"`);
  }

  for (const url of foreignLinks(text, input.sources.map((s) => s.url), input.allowedLinkDomains)) findings.push(`the reply links to ${url}, which is not a cited source`);

  const withoutUrls = text.replace(URL_PATTERN, ' ');
  const sourceTerms = new Set(contentTerms(input.sources.map((s) => `${s.title} ${s.text}`).join(' ')));
  const questionTerms = new Set(contentTerms(input.question));
  const questionNumbers = new Set(numbersIn(input.question));
  const sourceSentences = input.sources.flatMap((s) => [s.title, ...clauses(s.text)]).map((s) => ({ s, terms: new Set(termsOf(s)), numbers: new Set(numbersIn(s)) }));
  for (const sentence of clauses(withoutUrls)) {
    const terms = termsOf(sentence);
    const numbers = numbersIn(sentence);
    if (terms.length >= 2) {
      // The customer's own words may be echoed, but they cannot carry a sentence: an injected claim is
      // made of them. At most a quarter of a sentence may rest on them.
      const fromSources = terms.filter((t) => sourceTerms.has(t)).length;
      const fromQuestion = terms.filter((t) => !sourceTerms.has(t) && questionTerms.has(t)).length;
      if ((fromSources + Math.min(fromQuestion, Math.floor(terms.length / 4))) / terms.length < SUPPORT_SHARE) {
        findings.push(`a sentence is not supported by the cited sources: "${clip(sentence)}"`);
      }
    }
    const best = bestMatches(terms, sourceSentences);
    if (best.overlap >= 0.4 && best.sentences.every((m) => NEGATION.test(sentence) !== NEGATION.test(m.s))) findings.push(`a sentence contradicts its source: "${clip(sentence)}"`);
    // "until they leave the warehouse" turned into "even after they ship": the source's limit is gone
    // and a word that widens the claim took its place.
    if (best.overlap >= 0.4 && BROADENING.test(sentence) && !LIMITING.test(sentence) && best.sentences.every((m) => LIMITING.test(m.s))) {
      findings.push(`a sentence drops the condition its source states: "${clip(sentence)}"`);
    }
    // A number belongs to what its source sentence says it belongs to: "1 working day" is express
    // delivery's, not standard delivery's, even though both are in the article.
    const allowed = new Set([...questionNumbers, ...best.sentences.flatMap((m) => [...m.numbers])]);
    for (const n of numbers) if (!allowed.has(n)) findings.push(`the reply states the number ${n}, which its source does not give for this`);
  }
  return { ok: findings.length === 0, findings: [...new Set(findings)], sha256: sha256(text) };
}

/** Whether a verdict approves exactly this text for publication. */
export function approves(verdict: { ok: boolean; sha256: string } | undefined | null, text: string | null): boolean {
  return Boolean(verdict?.ok && text !== null && verdict.sha256 === sha256(text));
}

/** A redacted value found in the text: compared as written, and by its digits for numeric identifiers. */
function redactedLeaks(text: string, values: string[]): string[] {
  const lower = text.toLowerCase();
  const digits = text.replace(/\D/g, '');
  return values.filter((v) => {
    if (v.trim().length < 3) return false;
    // as a whole word or number: a redacted "and" must not match "handle"
    const escaped = v.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'u').test(lower)) return true;
    const d = v.replace(/\D/g, '');
    return d.length >= 6 && d.length >= v.replace(/\s/g, '').length * 0.6 && digits.includes(d);
  });
}

/** The sentence's words, in order, appear in a source: it only repeats what the help center says. */
function statedInSources(sentence: string, sources: PublicationSource[]): boolean {
  const want = words(sentence).join(' ');
  return want.length > 0 && sources.some((s) => words(s.text).join(' ').includes(want));
}

/** Sentences, and their clauses around a semicolon: "standard takes 2 to 4 days; express takes 1" is two claims. */
function clauses(text: string): string[] {
  return sentences(text).flatMap((s) => s.split(/\s*;\s*/)).filter((c) => c.length > 0);
}

/** The content words that make a claim: no conversation, no negation (compared on its own), no digits. */
function termsOf(sentence: string): string[] {
  return [...new Set(contentTerms(sentence))].filter((t) => !CONVERSATIONAL.has(t) && !NEGATIONS.has(t) && !/\d/.test(t));
}

/** The source sentences sharing the most of a sentence's words (all of them when tied), and how much. */
function bestMatches<T extends { terms: Set<string> }>(terms: string[], candidates: T[]): { overlap: number; sentences: T[] } {
  if (terms.length === 0) return { overlap: 0, sentences: [] };
  let best: { overlap: number; sentences: T[] } = { overlap: 0, sentences: [] };
  for (const c of candidates) {
    const overlap = terms.filter((t) => c.terms.has(t)).length / terms.length;
    if (overlap > best.overlap) best = { overlap, sentences: [c] };
    else if (overlap === best.overlap && overlap > 0) best.sentences.push(c);
  }
  return best;
}

/** Numbers as written, without thousands separators: "1,200" and "1200" are the same number. */
function numbersIn(text: string): string[] {
  return (text.match(/\d[\d,.]*\d|\d/g) ?? []).map((n) => n.replace(/,(?=\d{3}\b)/g, '').replace(/\.$/, ''));
}

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 80 ? `${one.slice(0, 79)}…` : one;
}

/** Enough to tell which value it was, without repeating it where findings are stored and shown. */
function mask(value: string): string {
  return value.length <= 6 ? `${value.length} characters` : `${value.slice(0, 2)}…${value.slice(-2)}, ${value.length} characters`;
}
