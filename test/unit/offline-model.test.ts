import path from 'node:path';
import { loadEscalation } from '../../src/config/rule-files';
import { draftReply } from '../../src/drafting/draft-reply';
import { KnowledgeIndex } from '../../src/knowledge/knowledge-index';
import { rankArticles } from '../../src/model/article-coverage';
import { OfflineModel } from '../../src/model/offline-model';
import { scoreSentiment } from '../../src/model/sentiment-score';
import { detects } from '../../src/policy/escalation-rules';
import { focusTerms, isSpecific } from '../../src/policy/specificity';
import { askingSentences } from '../../src/text/focus';
import { contentTerms } from '../../src/text/tokens';
import { demoDraftDeps, threadOf } from '../helpers/drafting';

const rules = loadEscalation(path.resolve(__dirname, '../../config/escalation.yaml'));
const deps = demoDraftDeps();
const knowsDemo = { knows: (t: string) => deps.index.knows(t) };

describe('sentiment', () => {
  it.each([
    'Thanks for nothing… this is a joke and I am fed up.',
    "I'm so fed up with this.",
    'Oh brilliant, a week-long hold on my card, really customer friendly of you.',
    'Waited in the rain for an hour and nobody warned us the class was off. Utter joke.',
    'Third evening in a row it drops. Fantastic service, really worth the money.',
    "Second time this week the lift has been out. Lovely. Really getting my money's worth. Is there another way up?",
    'Not happy.',
    "Oh brilliant, another session where I'm sitting here with no link. Really professional. Where is the link supposed to show up?",
  ])('reads "%s" as negative', (text) => {
    expect(scoreSentiment(text).score).toBeLessThan(rules.thresholds.negative_sentiment);
  });

  it.each([
    'It still has not moved. Can you check again?',
    'Is the food going to go bad if it sits outside all day?',
    'booked a class for tmrw 6pm but theres a chance ill get stuck at work. if i cancel last minute is that a problem??',
    'Hallo, wir ziehen nächsten Monat um. Muss ich dafür etwas bezahlen?',
  ])('does not read "%s" as angry', (text) => {
    expect(scoreSentiment(text).score).toBeGreaterThanOrEqual(rules.thresholds.negative_sentiment);
    expect(scoreSentiment(text).label).not.toBe('positive');
  });

  it('reads plain thanks as positive', () => {
    expect(scoreSentiment('Thank you so much, that worked perfectly!').label).toBe('positive');
  });
});

describe('reason detectors beyond exact phrases', () => {
  it.each([
    ['humanRequested', "I'd prefer to go through this with one of your team rather than a bot."],
    ['humanRequested', 'is there anyone real there?'],
    ['humanRequested', 'could someone give me a ring tomorrow afternoon?'],
    ['policyException', 'The fee is annoying, could you let it slide this once?'],
    ['policyException', 'Can you waive the return shipping fee for me?'],
    ['policyException', 'I know it is past the 30 days but any chance you could still take it back?'],
    ['accountAccess', 'can you move my reservation KS-55102 from 3 June to 5 June?'],
    ['accountAccess', 'I see a charge of 187.40 EUR on my card from you. What is this for?'],
    ['repeat', 'did that about 5 times now and nothing happens'],
    ['repeat', "there's no box there, we walked round twice"],
    ['humanRequested', "I'd rather talk it through with one of the staff than do it over this chat"],
    ['policyException', 'the sessions expired last week, would it be possible to extend them by a month?'],
    ['policyException', 'I know a pause normally maxes out at 3 months, but is there any way it could cover the whole trip?'],
    ['accountAccess', 'my bank shows you took £44.99 on the 3rd. Can you tell me why?'],
    ['accountAccess', "the app says my membership is frozen and the gate won't let me in"],
    ['accountAccess', 'Did you receive the form I emailed last week?'],
    ['accountAccess', 'has my replacement card arrived at the club yet?'],
    ['accountAccess', 'how many lesson credits do we have left this term?'],
    ['accountAccess', 'any news on my repair request? it has been two weeks'],
    ['accountAccess', 'Could you just email me the invoice for March?'],
    ['accountAccess', 'booked a table, confirmation AB-20417, can you push it to 8pm?'],
    ['humanRequested', "honestly I'd rather deal with somebody at the shop itself than with a bot"],
    ['policyException', 'I understand the deadline was Friday, but surely something can be done?'],
    ['policyException', 'no receipt, I know. could you take them back anyway?'],
  ] as const)('%s catches "%s"', (detector, text) => {
    expect(detects(rules[detector], text)).toBe(true);
  });

  it.each([
    ['humanRequested', 'How do I reset my password?'],
    ['policyException', 'Is there a fee for changing the delivery date?'],
    ['accountAccess', 'My tracking says label created, what does that mean?'],
    ['repeat', 'How long does standard delivery take?'],
    ['accountAccess', 'How do I pause my membership while I travel?'],
    ['policyException', 'When does a pause normally end?'],
  ] as const)('%s stays quiet on "%s"', (detector, text) => {
    expect(detects(rules[detector], text)).toBe(false);
  });

  it('matches patterns on lemmas: "I have done that" meets a pattern written as "did that"', () => {
    expect(detects(rules.repeat, 'I have done that already and it is the same')).toBe(true);
  });

  it('matches examples by shared words in any order and inflection', () => {
    const withExamples = loadEscalation(path.resolve(__dirname, '../../config/escalation.yaml'));
    withExamples.policyException.examples.push(contentTerms('forgive the late fee'));
    expect(detects(withExamples.policyException, 'Could the late fees be forgiven?')).toBe(true);
  });
});

describe('specificity and focus', () => {
  it.each(["it's doing it again", 'is it the same for the other one?', 'same issue as before, nothing has changed', 'hello??', 'ok so what do i do now'])(
    '"%s" names nothing',
    (text) => expect(isSpecific(text, knowsDemo)).toBe(false),
  );

  it('a documented topic is specific', () => {
    expect(isSpecific('how long does standard shipping take?', knowsDemo)).toBe(true);
  });

  it('a place after "to" is where, not a topic nobody covers', () => {
    const terms = focusTerms('how long does standard shipping usually take to Ohio?', knowsDemo);
    expect(terms.filter((f) => !f.known)).toEqual([]);
  });

  it('an unknown name is a gap that weighs more than an unknown common noun', () => {
    const terms = focusTerms('Do you integrate with Salesforce or a spreadsheet?', knowsDemo);
    const name = terms.find((f) => f.term === contentTerms('Salesforce')[0]);
    const noun = terms.find((f) => f.term === contentTerms('spreadsheet')[0]);
    expect(name?.known).toBe(false);
    expect(name!.role).toBeGreaterThan(noun!.role);
  });

  it('keeps the sentence a short question points back to', () => {
    expect(askingSentences('I bought a sweater last week and it does not fit. How can I return it?')).toEqual(['I bought a sweater last week and it does not fit.', 'How can I return it?']);
  });

  it('reads "Wi-Fi" and "wifi" as the same word', () => {
    expect(contentTerms('Wi-Fi')).toContain(contentTerms('wifi')[0]);
  });
});

describe('article coverage', () => {
  const hit = (articleId: string, title: string, text: string, score: number) => ({ id: `${articleId}#0`, articleId, title, url: `https://help.example/${articleId}`, locale: 'en', text, score });

  it('prefers the article that covers the question, and counts unknown nouns as uncovered', () => {
    const terms = [
      { term: 'refund', role: 1, known: true },
      { term: 'gift', role: 1, known: true },
      { term: 'bitcoin', role: 1, known: false },
    ];
    const ranked = rankArticles(terms, [hit('a', 'Gift cards', 'Gift cards never expire.', 10), hit('b', 'Refunds', 'A refund for a gift card goes back as credit.', 8)], () => 1);
    expect(ranked[0]!.hit.articleId).toBe('b');
    expect(ranked[0]!.coverage).toBeLessThan(1);
    expect(ranked[0]!.coverage).toBeGreaterThan(ranked[1]!.coverage);
  });

  it('prefers, among articles that cover alike, the one whose title names the topic', () => {
    const terms = [
      { term: 'cancel', role: 0.6, known: true },
      { term: 'box', role: 1, known: true },
    ];
    const ranked = rankArticles(
      terms,
      [hit('skip', 'Skipping a week', 'Skip a box, or cancel instead.', 40), hit('cancel', 'Cancelling your plan', 'When you cancel, a box already packed still arrives.', 35)],
      () => 1,
    );
    expect(ranked.map((r) => r.coverage)).toEqual([1, 1]);
    expect(ranked[0]!.hit.articleId).toBe('cancel');
  });
});

describe('offline model decisions', () => {
  it('finds the source despite a place name and filler', async () => {
    const r = await draftReply(deps, threadOf(['customer', 'Hi! Quick one, how long does standard shipping usually take to Ohio?']));
    expect(r!.sources.map((s) => s.url)).toContain('https://help.demo-shop.example/articles/shipping');
  });

  it.each(["it's doing it again", 'is it the same for the other one or do I need to do that one separately as well?'])('"%s" gets low_confidence and never autopilot', async (text) => {
    const r = await draftReply(deps, threadOf(['customer', text]));
    expect(r!.decision).toBe('escalate');
    expect(r!.escalation_reasons).toContain('low_confidence');
    expect(r!.escalation_reasons).not.toContain('missing_source');
    expect(r!.brief.recommended_next_step).toMatch(/does not say what it is about/);
  });

  it('a message in a language the help center has no articles in: low_confidence, and the brief says which language', async () => {
    const r = await draftReply(deps, threadOf(['customer', "Bonjour, je voudrais savoir combien de temps prend la livraison standard, s'il vous plaît."]));
    expect(r!.decision).toBe('escalate');
    expect(r!.escalation_reasons).toEqual(['low_confidence']);
    expect(r!.brief.recommended_next_step).toMatch(/French/);
  });

  it('a help center with articles in that language answers from them', async () => {
    const index = new KnowledgeIndex();
    index.upsert([
      { id: 'fr-1', title: 'Délais de livraison', url: 'https://help.example/fr/livraison', locale: 'fr', body: 'La livraison standard prend de deux à quatre jours ouvrés. La livraison express arrive le lendemain.' },
      { id: 'fr-2', title: 'Retours', url: 'https://help.example/fr/retours', locale: 'fr', body: 'Vous pouvez retourner un article pendant trente jours.' },
    ]);
    const fr = { ...deps, index, model: new OfflineModel({ rules: deps.rules, isKnownTerm: (t) => index.knows(t) }) };
    const r = await draftReply(fr, threadOf(['customer', 'Bonjour, combien de jours prend la livraison standard ?']));
    expect(r!.escalation_reasons).not.toContain('low_confidence');
    expect(r!.sources.map((s) => s.url)).toEqual(['https://help.example/fr/livraison']);
  });

  it('"That did not help" after an AI answer is repeat_after_ai, and the brief lists the answer', async () => {
    const r = await draftReply(deps, threadOf(['customer', 'How long does standard delivery take?'], ['ai', 'Standard delivery takes 2 to 4 working days.'], ['customer', 'That did not help, I followed it and nothing changed.']));
    expect(r!.decision).toBe('escalate');
    expect(r!.escalation_reasons).toContain('repeat_after_ai');
    expect(r!.brief.previous_answers).toEqual([{ author: 'ai', text: 'Standard delivery takes 2 to 4 working days.' }]);
  });

  it('the brief keeps the context of the question', async () => {
    const r = await draftReply(deps, threadOf(['customer', 'I bought a sweater last week and it does not fit. How can I return it?']));
    expect(r!.brief.question).toBe('I bought a sweater last week and it does not fit. How can I return it?');
  });
});
