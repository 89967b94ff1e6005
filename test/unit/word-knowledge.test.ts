import { isFeelingWord, unstretched } from '../../src/text/feeling-words';
import { synonymsOf } from '../../src/text/synonyms';
import { focusTerms, isSpecific } from '../../src/policy/specificity';
import { contentTerms } from '../../src/text/tokens';

const helpCenter = (text: string) => {
  const terms = new Set(contentTerms(text));
  return { knows: (t: string) => terms.has(t) };
};

describe('words of feeling', () => {
  it('reads strongly rated words as feelings and plain words as not', () => {
    expect(isFeelingWord('happy')).toBe(true);
    expect(isFeelingWord('lol')).toBe(true);
    expect(isFeelingWord('awful')).toBe(true);
    expect(isFeelingWord('invoice')).toBe(false);
    expect(isFeelingWord('speed')).toBe(false);
  });

  it('writes a held letter once', () => {
    expect(unstretched('soooo')).toBe('so');
    expect(unstretched('pleeease')).toBe('please');
    expect(unstretched('coffee')).toBe('coffee');
  });
});

describe('synonyms', () => {
  it('gives the first senses of a word for its part of speech, not itself', () => {
    expect(synonymsOf('price', 'NOUN')).toEqual(expect.arrayContaining(['cost']));
    expect(synonymsOf('price', 'NOUN')).not.toContain('price');
    expect(synonymsOf('subtitle', 'NOUN')).toContain('caption');
    expect(synonymsOf('price', 'VERB')).toEqual([]);
    expect(synonymsOf('zzzunknownword', 'NOUN')).toEqual([]);
  });
});

describe('topical words with synonyms and feelings', () => {
  it('takes a word the help center writes only as a synonym as that word, a little less surely', () => {
    const terms = focusTerms('what is the price of the yearly plan?', helpCenter('The yearly plan costs 90 dollars: the cost is billed once.'));
    const cost = terms.find((t) => t.term === contentTerms('cost')[0]);
    expect(cost).toMatchObject({ known: true });
    expect(cost!.role).toBeLessThan(1);
    expect(terms.some((t) => t.term === contentTerms('price')[0])).toBe(false);
  });

  it('leaves words of feeling and held letters out of the gaps', () => {
    const terms = focusTerms('super happy lol, soooo how do I download lessons?', helpCenter('Download lessons in the app.'));
    expect(terms.filter((t) => !t.known)).toEqual([]);
    expect(terms.map((t) => t.term)).toEqual(expect.arrayContaining(contentTerms('download lessons')));
  });

  it('still counts an unknown noun as a gap', () => {
    const terms = focusTerms('can I bring my kayak to the class?', helpCenter('Classes and bookings.'));
    expect(terms.find((t) => t.term === contentTerms('kayak')[0])).toMatchObject({ known: false });
  });
});

describe('what a message names', () => {
  const clinic = helpCenter('Book an appointment for your dog or cat at the clinic. Vaccinations, boosters and checks for pets.');

  it('takes a concrete thing the help center never mentions as specific: a content gap, not vagueness', () => {
    expect(isSpecific('do you see reptiles? my son has a pet dragon who needs a check at the clinic', clinic)).toBe(true);
  });

  it('keeps vague messages and messages in a language the help center does not use unspecific', () => {
    expect(isSpecific("it's doing it again", clinic)).toBe(false);
    expect(isSpecific('is it the same for the other one?', clinic)).toBe(false);
    expect(isSpecific('Hola, compré un curso hace cinco días. ¿Puedo pedir un reembolso?', clinic)).toBe(false);
  });

  it('takes a comparison with something unnamed as unspecific unless the message names more itself', () => {
    expect(isSpecific('is it the same for the other clinic?', clinic)).toBe(false);
    expect(isSpecific('is the booster the same for cats at the other clinic?', clinic)).toBe(true);
    expect(isSpecific('is the other clinic open?', clinic)).toBe(true);
  });

  it('weighs an unknown thing the question asks for more than an unknown word around it', () => {
    const weight = (text: string, word: string) => focusTerms(text, clinic).find((t) => t.term === contentTerms(word)[0])?.role;
    expect(weight('is there parking at the clinic?', 'parking')).toBeGreaterThan(1);
    expect(weight('can I bring my hamster to the clinic?', 'hamster')).toBeGreaterThan(1);
    expect(weight('do you do home visits for pets?', 'home')).toBeGreaterThan(1);
    expect(weight('my hamster needs a check at the clinic', 'hamster')).toBe(1);
  });

  it("reads an owner's or a pet's name as who, not as a gap", () => {
    const terms = focusTerms("Can you move Biscuit's appointment? Our rabbit Clover needs a booster", clinic);
    const unknown = terms.filter((t) => !t.known).map((t) => t.term);
    expect(unknown).not.toContain(contentTerms('Biscuit')[0]);
    expect(unknown).not.toContain(contentTerms('Clover')[0]);
    expect(unknown).toContain(contentTerms('rabbit')[0]);
    expect(terms.map((t) => t.term)).toEqual(expect.arrayContaining(contentTerms('appointment booster')));
  });
});

describe('names and shorthand', () => {
  const gym = helpCenter('Club opening hours on holidays. Book a class; cancel up to 2 hours before. Internet address of the home plan.');

  it("weighs a name that picks one of a known thing less than a name alone, and an acronym in full", () => {
    const club = focusTerms('Is the Bristol Harbourside club open on New Year\'s Day?', gym).find((t) => t.term === contentTerms('Harbourside')[0]);
    const alone = focusTerms('Do you support Harbourside?', gym).find((t) => t.term === contentTerms('Harbourside')[0]);
    expect(club).toMatchObject({ known: false });
    expect(alone).toMatchObject({ known: false });
    expect(club!.role).toBeLessThan(alone!.role);
    const ip = focusTerms('Do you offer static IP addresses on the home plans?', gym).find((t) => t.term === contentTerms('IP')[0]);
    expect(ip!.role).toBeGreaterThanOrEqual(1);
  });

  it('reads chat shorthand, money words, a mate and "ill get" as no topic', () => {
    const terms = focusTerms('booked a class for tmrw but ill get stuck, my mate says it costs 15 quid to cancel', gym);
    const unknown = terms.filter((t) => !t.known).map((t) => t.term);
    for (const word of ['tmrw', 'quid', 'mate', 'ill']) expect(unknown).not.toContain(contentTerms(word)[0]);
    expect(terms.some((t) => t.term === contentTerms('ill')[0])).toBe(false);
  });
});
