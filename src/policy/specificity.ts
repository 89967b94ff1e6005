import { analyze, Token } from '../text/nlp';
import { isFeelingWord, unstretched } from '../text/feeling-words';
import { synonymsOf } from '../text/synonyms';
import { contentTerms } from '../text/tokens';

/**
 * What a message is about, as the help center's words. A word counts when it could name a topic: a
 * noun (in full) or a verb, adjective or adverb (in part), that is not one of the words every support
 * message uses (work, problem, again, help, week...). Such a word is known when the help center uses
 * it; an unknown noun is a part of the question no article covers ("can I bring my dog"). A message
 * with no known topical word ("it's doing it again", "is it the same for the other one?") names
 * nothing: no answer can be right, so it never reaches autopilot and gets low_confidence.
 */
const GENERIC = new Set(
  (
    [
      'work working works worked problem problems issue issues trouble error errors thing things stuff something anything everything nothing',
      'again still same other another one ones help question questions answer idea ideas fix fixed sort sorted properly right wrong fine good bad',
      'ok okay please thanks thank know need needs want wants get got go going make made use used try tried do done happen happening happened',
      'start started stop stopped keep kept way time times day days today yesterday tomorrow tonight now before after ever never always sometimes',
      'week weeks month months year years minute minutes moment ago last next soon later earlier',
      'instead rather own come comes coming came due able unable possible sure seem seems look looks like really actually just also even bit lot little much many more less quick quickly',
      'check checked see saw show shows showed shown say said tell told mean means call called update updated change changed broken break breaks so its back there here anyone someone',
      'u ur pls plz hey hi hello guys folks thing kind sort type lol btw tho though yet maybe perhaps probably basically literally',
      'few several couple min mins sec secs people person everyone everybody',
      // chat shorthand
      'tmrw tmr tmw tomoz tonite asap thx ty cuz coz bc idk imo omg',
      // money named, not asked about
      'quid bucks dollars euros pounds pence cents usd eur gbp',
      'great perfect cool nice awesome brilliant lovely excellent wonderful amazing fantastic cheers sorry',
    ].join(' ')
  ).split(/\s+/),
);

const WHEN = new Set(
  contentTerms('monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december weekend christmas easter morning evening night afternoon noon midnight tonight'),
);

/** Who the customer is with or writes for: context, never the thing asked about. */
const PEOPLE = new Set(
  contentTerms('wife husband partner son daughter kid kids child children mum mom dad mother father parent parents brother sister boyfriend girlfriend friend friends family neighbour neighbor colleague boss baby toddler grandma grandpa guest guests mate mates buddy pal flatmate housemate roommate coworker'),
);

/** How much a word of each part of speech says about the topic. */
const ROLE: Record<string, number> = { NOUN: 1, PROPN: 1, VERB: 0.6, ADJ: 0.6, ADV: 0.4 };

/** An unknown name ("DHL Express", "Salesforce") is the most telling gap: a thing the team never writes about. */
const UNKNOWN_NAME = 1.5;
/** An unknown thing the question asks for ("is there parking?", "can I bring my dog?"): the question is about it. */
const UNKNOWN_ASKED = 2;
/** An unknown verb is mostly phrasing ("our flight lands"), sometimes the service asked for ("deliver the car"). */
const UNKNOWN_VERB = 0.3;
/** The share of a message's words the help center must use for an unknown noun in it to name a thing. */
const READABLE_SHARE = 0.25;
/** An unknown name that picks one of a thing the help center knows ("the Harbourside club"): a smaller gap than a name alone. */
const NAME_OF_KNOWN = 0.5;
/** A word the help center writes only as a synonym ("price" for its "cost") counts at this share of its role. */
const SYNONYM_SHARE = 0.8;

/** How much a message that compares with something unnamed must name itself to say what it is about. */
const REFERRED_TOPIC = 1.5;
/** A comparison with something the message does not name: "is it the same for", "what about the other one", "does that apply to". */
const REFERS_BACK = /\b((is|are|was|would|will|does|do|can|could) (it|that|this|they|these|those) (be |also |still )?(the same|similar|different|apply|work|count|go)|(the )?same (for|with|goes for|applies to)|what about the other|how about the other|(that|this|the other) one)\b/;

const PLACE_PREPOSITIONS = new Set(['to', 'in', 'at', 'from', 'near', 'around', 'into', 'across', 'via', 'outside', 'inside']);

export interface SpecificityTerms {
  /** whether a stemmed term occurs in the help center */
  knows: (term: string) => boolean;
}

export interface FocusTerm {
  /** stemmed, as the index stores it */
  term: string;
  /** the part of speech's share of the topic (ROLE) */
  role: number;
  known: boolean;
}

/**
 * The topical words of a text. An unknown proper name after a place preposition ("to Ohio", "in
 * Bristol") is where, not what, and an unknown verb or adverb is phrasing, not topic: neither counts.
 * Numbers, placeholders and generic words never do.
 */
export function focusTerms(text: string, index: SpecificityTerms): FocusTerm[] {
  const tokens = analyze(text).tokens;
  const out = new Map<string, FocusTerm>();
  tokens.forEach((token, i) => {
    const t = { ...token, normal: unstretched(token.normal), lemma: unstretched(token.lemma), pos: taggedPos(tokens, i) };
    const role = ROLE[t.pos];
    if (!role) return;
    // Generic words are compared as written and as lemmas, not stemmed ("evening" is not "even"); the
    // word after "how" asks ("how long", "how far"), it names nothing.
    if (GENERIC.has(t.normal) || GENERIC.has(t.lemma) || tokens[i - 1]?.normal === 'how') return;
    // "ill get stuck" is "I'll", written without the apostrophe
    if (t.normal === 'ill' && ['VERB', 'AUX', 'ADV'].includes(tokens[i + 1]?.pos ?? '')) return;
    const lemma = contentTerms(t.lemma)[0];
    if (!lemma) return; // "doing" is "do"
    // "to Ohio", "in the Algarve", "at Santa Justa station": where, not what
    let back = i - 1;
    while (back >= 0 && (tokens[back]!.pos === 'DET' || tokens[back]!.pos === 'PROPN')) back--;
    const afterPlacePreposition = PLACE_PREPOSITIONS.has(tokens[back]?.normal ?? '');
    const place = t.pos === 'PROPN' && afterPlacePreposition;
    // A capital that only starts a sentence makes no name ("Planning a trip", "Great, thanks").
    const startsSentence = i === 0 || ['PUNCT', 'SYM'].includes(tokens[i - 1]!.pos);
    // "wi-fi" is two terms to the index, as it is to retrieval
    for (const term of contentTerms(t.normal)) {
      if (/\d/.test(term) || /^[a-z]+_\d+$/.test(term)) continue;
      const known = index.knows(term) || index.knows(lemma);
      // An unknown verb or adverb is phrasing, a day or a time of day is when, a name after "to" or "in" is
      // where, a wife or a friend is who, a word of feeling ("super happy", "lol") is how the customer feels.
      if (!known && (t.pos === 'ADV' || place || namesOwner(tokens, i) || WHEN.has(term) || PEOPLE.has(term) || PEOPLE.has(lemma) || isFeelingWord(t.normal) || isFeelingWord(t.lemma))) continue;
      // A word the help center writes only as a synonym is that word, a little less surely. WordNet's verb
      // senses drift too far to name a topic ("take": accept, "suppose": say): a verb with a known synonym
      // is phrasing the help center words otherwise, not a gap.
      const synonym = known || t.pos === 'PROPN' ? undefined : synonymsOf(t.lemma, t.pos).flatMap((w) => contentTerms(w)).find((w) => index.knows(w));
      if (synonym && t.pos === 'VERB') continue;
      const entry = known
        ? { term, role, known: true }
        : synonym
          ? { term: synonym, role: role * SYNONYM_SHARE, known: true }
          : { term, role: t.pos === 'PROPN' && !startsSentence && /^[A-Z][a-z]/.test(t.written) && namesOneOf(tokens, i, index) ? NAME_OF_KNOWN : unknownWeight(t, { afterPlacePreposition, startsSentence, askedFor: askedFor(tokens, i) }), known: false };
      const seen = out.get(entry.term);
      if (!seen || seen.role < entry.role) out.set(entry.term, entry);
    }
  });
  return [...out.values()];
}

/**
 * What a word the help center never uses weighs as a gap: an unknown name most, a noun in full, an
 * adjective by half, a lowercase noun right after "in" or "to" by half (it may be a place written
 * lowercase, "in seville"), a verb little (an "-ing" form the tagger took for a noun, "the food sitting
 * outside", is a verb).
 */
function unknownWeight(t: Token, at: { afterPlacePreposition: boolean; startsSentence: boolean; askedFor: boolean }): number {
  if (t.pos === 'VERB' || ((t.pos === 'NOUN' || (t.pos === 'PROPN' && at.startsSentence)) && /[a-z]{3}ing$/.test(t.normal) && !at.askedFor)) return UNKNOWN_VERB;
  if (t.pos === 'NOUN' && at.askedFor) return UNKNOWN_ASKED;
  if (t.pos === 'ADJ') return 0.5;
  if (t.pos === 'PROPN' && !at.startsSentence) return UNKNOWN_NAME;
  if (t.pos === 'NOUN' && at.afterPlacePreposition) return 0.5;
  return 1;
}

/**
 * Whether a noun is what the question asks for: the thing after "is there", "there is", "any", "no",
 * "do you have / offer / do", "can I bring / get / use" (over a determiner, a possessive or an
 * adjective: "can I bring my dog", "do you offer group lessons"). When the help center never names it, no
 * article on the words around it answers the question.
 */
function askedFor(tokens: Token[], i: number): boolean {
  let j = i - 1;
  while (j >= 0 && j >= i - 3 && (['DET', 'ADJ', 'NOUN'].includes(tokens[j]!.pos) || ['my', 'our', 'your', 'his', 'her', 'their'].includes(tokens[j]!.normal))) {
    if (['any', 'no'].includes(tokens[j]!.normal)) return true;
    j--;
  }
  const [a, b, c] = [tokens[j]?.normal ?? '', tokens[j - 1]?.normal ?? '', tokens[j - 2]?.normal ?? ''];
  if (a === 'any' || a === 'no') return true;
  if ((a === 'there' && ['is', 'are', 'was', 'were'].includes(b)) || (b === 'there' && ['is', 'are', "'s", 's'].includes(a))) return true;
  if (['have', 'offer', 'do', 'provide', 'sell', 'run', 'allow', 'accept'].includes(a) && b === 'you' && ['do', 'does', 'can', 'will', 'would'].includes(c)) return true;
  return ['bring', 'get', 'use', 'have'].includes(a) && ['i', 'we'].includes(b) && ['can', 'could', 'may'].includes(c);
}

/**
 * Whether an unknown word is the name of whom or what the customer writes about: an owner ("Biscuit's
 * appointment", "luna's booster") or a name given right after the thing it names ("our rabbit
 * Clover", "my son Tom"). Who it is says nothing about what is asked.
 */
function namesOwner(tokens: Token[], i: number): boolean {
  const t = tokens[i]!;
  if ((t.pos === 'PROPN' || t.pos === 'NOUN') && tokens[i + 1]?.normal === "'s" && tokens[i + 1]?.pos === 'PART') return true;
  return t.pos === 'PROPN' && tokens[i - 1]?.pos === 'NOUN' && ['my', 'our', 'his', 'her', 'their'].includes(tokens[i - 2]?.normal ?? '');
}

/**
 * Whether an unknown name (written as one: "Harbourside", not "IP") stands, with the names after it,
 * right before a noun the help center knows: "the Bristol Harbourside club", "the Photography Fundamentals course" name the customer's own club or
 * course. It still counts, less: "Salesforce integration" may be one the team does not offer.
 */
function namesOneOf(tokens: Token[], i: number, index: SpecificityTerms): boolean {
  for (let j = i + 1; j < tokens.length && j <= i + 4; j++) {
    const next = tokens[j]!;
    if (next.pos === 'PROPN') continue;
    const term = contentTerms(next.normal)[0];
    return next.pos === 'NOUN' && term !== undefined && index.knows(term);
  }
  return false;
}

/**
 * The tagger reads a plural noun after "are", an article or a number as a verb ("are dogs allowed"):
 * such a word is a noun.
 */
function taggedPos(tokens: Token[], i: number): string {
  const t = tokens[i]!;
  const before = tokens[i - 1];
  if (t.pos === 'VERB' && /[a-z]s$/.test(t.normal) && before && (['AUX', 'DET', 'NUM', 'ADJ'].includes(before.pos) || before.normal === 'any')) return 'NOUN';
  // "do you do home visits": after "you do" as the main verb, a "verb" before a noun modifies it
  if (t.pos === 'VERB' && tokens[i + 1]?.pos === 'NOUN' && before && ['do', 'does', 'did'].includes(before.normal) && tokens[i - 2]?.pos === 'PRON') return 'NOUN';
  return t.pos;
}

/** Whether a message compares with or points at something it does not name itself. */
export function refersBack(text: string): boolean {
  return REFERS_BACK.test(text.toLowerCase().replace(/[’']/g, ' '));
}

/** The known topical words of a text. */
export function topicalTerms(text: string, index: SpecificityTerms): string[] {
  return focusTerms(text, index)
    .filter((f) => f.known)
    .map((f) => f.term);
}

/**
 * A message is specific when it names at least one topic the help center could be about, or a thing
 * (a noun or a name) it never mentions: "do you see reptiles?" asks something concrete that no article
 * answers, while "it's doing it again" names nothing at all.
 */
export function isSpecific(text: string, index: SpecificityTerms): boolean {
  const terms = focusTerms(text, index);
  const known = terms.filter((f) => f.known);
  // "Is it the same for the other location?" asks about something said elsewhere: the one word it
  // names is not the topic, what "it" is would be.
  if (known.length > 0 && refersBack(text) && known.reduce((sum, f) => sum + f.role, 0) < REFERRED_TOPIC) return false;
  if (known.length > 0) return true;
  // An unknown thing counts only in words the help center mostly reads: in a message written in another
  // language every noun is unknown, and that says nothing about what the articles cover.
  const words = contentTerms(text);
  const readable = words.length > 0 && words.filter((w) => index.knows(w)).length / words.length >= READABLE_SHARE;
  return readable && terms.some((f) => f.role >= 1);
}
