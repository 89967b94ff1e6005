import { parseCategories } from '../../src/policy/categories';
import { keyedRandom, seededRandom } from '../../src/policy/random-source';
import { isoWeekOf as isoWeek } from '../../src/domain/iso-week';
import { decideAutopilot, decideSolved, SAMPLING_DEFAULTS, samplingPolicy, SolvedFacts, solvedStratum } from '../../src/policy/sampling';

/** The 99.9% interval of a binomial count (normal approximation: n is large here). */
function binomialBounds(n: number, p: number): [number, number] {
  const z = 3.2905; // two-sided 99.9%
  const sd = Math.sqrt(n * p * (1 - p));
  return [Math.floor(n * p - z * sd), Math.ceil(n * p + z * sd)];
}

const file = parseCategories(
  {
    categories: [
      { id: 'shipping', name: 'Shipping' },
      { id: 'returns', name: 'Returns', sampling: { autopilot_rate: 0.5, min_per_week: 3 } },
    ],
    sampling: { autopilot_rate: 0.1, solved_rate: 0.05 },
  },
  'test',
);

describe('random sources', () => {
  it('a seeded source replays the same draws, in [0, 1)', () => {
    const a = seededRandom(20261127);
    const b = seededRandom(20261127);
    const draws = Array.from({ length: 1000 }, () => a('x'));
    expect(Array.from({ length: 1000 }, () => b('y'))).toEqual(draws);
    expect(draws.every((d) => d >= 0 && d < 1)).toBe(true);
    expect(seededRandom(1)('x')).not.toBe(seededRandom(2)('x'));
  });

  it('a keyed source gives each key its own draw, the same every time', () => {
    const r = keyedRandom('seed');
    expect(r('zendesk:acme|draft:d_1')).toBe(r('zendesk:acme|draft:d_1'));
    expect(r('zendesk:acme|draft:d_1')).not.toBe(r('zendesk:acme|draft:d_2'));
    expect(keyedRandom('other')('zendesk:acme|draft:d_1')).not.toBe(r('zendesk:acme|draft:d_1'));
  });
});

describe('autopilot sampling rate over many replies', () => {
  it.each([0.1, 0.02, 0.5])('rate %s holds within the binomial 99.9%% interval over 10,000 replies (seeded)', (rate) => {
    const random = seededRandom(42);
    let sampled = 0;
    for (let i = 0; i < 10_000; i++) if (decideAutopilot(rate, random(`d_${i}`)).sampled) sampled++;
    const [low, high] = binomialBounds(10_000, rate);
    expect(sampled).toBeGreaterThanOrEqual(low);
    expect(sampled).toBeLessThanOrEqual(high);
  });

  it('the service’s keyed draws hold the rate as well over 10,000 distinct replies', () => {
    const random = keyedRandom('draftpilot-sampling');
    let sampled = 0;
    for (let i = 0; i < 10_000; i++) if (decideAutopilot(0.1, random(`zendesk:acme|draft:d_${i}`)).sampled) sampled++;
    const [low, high] = binomialBounds(10_000, 0.1);
    expect([low <= sampled, sampled <= high]).toEqual([true, true]);
  });

  it('rate 0 samples nothing and rate 1 everything', () => {
    const random = seededRandom(3);
    const draws = Array.from({ length: 1000 }, () => random(''));
    expect(draws.filter((d) => decideAutopilot(0, d).sampled)).toHaveLength(0);
    expect(draws.filter((d) => decideAutopilot(1, d).sampled)).toHaveLength(1000);
  });
});

describe('solved sampling, stratified by category and outcome', () => {
  /** One week of solved conversations through the policy, counting samples per (category, stratum) as the store does. */
  function simulate(traffic: Record<string, number>, options: { rate: number; minPerWeek: number; seed: number }) {
    const random = seededRandom(options.seed);
    const counts = new Map<string, number>();
    const perCategory = new Map<string, number>();
    const strata = ['ai_good', 'ai_bad', 'human_good', 'human_bad'] as const;
    for (const [category, n] of Object.entries(traffic)) {
      for (let i = 0; i < n; i++) {
        const stratum = strata[i % 4]!;
        const key = `${category}|${stratum}`;
        const d = decideSolved({ rate: options.rate, minPerWeek: options.minPerWeek, sampledThisWeek: counts.get(key) ?? 0, draw: random(key) });
        if (!d.sampled) continue;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        perCategory.set(category, (perCategory.get(category) ?? 0) + 1);
      }
    }
    return { counts, perCategory };
  }

  it('every category with traffic gets a sample, however small beside a large one', () => {
    const traffic = { shipping: 5000, orders: 1200, account: 40, products: 3, returns: 1 };
    const { perCategory, counts } = simulate(traffic, { rate: 0.05, minPerWeek: 1, seed: 7 });
    for (const category of Object.keys(traffic)) expect([category, (perCategory.get(category) ?? 0) >= 1]).toEqual([category, true]);
    // each outcome of a category with traffic in it is sampled too (products has 3: ai_good, ai_bad, human_good)
    expect(['ai_good', 'ai_bad', 'human_good'].map((s) => counts.get(`products|${s}`))).toEqual([1, 1, 1]);
    expect(counts.get('products|human_bad')).toBeUndefined();
  });

  it('beyond the weekly minimum the solved rate holds within the binomial 99.9% interval (10,000 conversations)', () => {
    const { perCategory } = simulate({ shipping: 10_000 }, { rate: 0.05, minPerWeek: 2, seed: 11 });
    // 4 strata × 2 guaranteed, the rest at 5%
    const [low, high] = binomialBounds(10_000 - 8, 0.05);
    const beyond = perCategory.get('shipping')! - 8;
    expect(beyond).toBeGreaterThanOrEqual(low);
    expect(beyond).toBeLessThanOrEqual(high);
  });

  it('with the rate at 0, exactly the minimum of each stratum is sampled; with the minimum at 0 and the rate at 0, nothing', () => {
    expect([...simulate({ shipping: 400, returns: 9 }, { rate: 0, minPerWeek: 2, seed: 1 }).counts.values()]).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
    expect(simulate({ shipping: 400 }, { rate: 0, minPerWeek: 0, seed: 1 }).counts.size).toBe(0);
  });

  it('says which rule sampled', () => {
    expect(decideSolved({ rate: 0, minPerWeek: 1, sampledThisWeek: 0, draw: 0.99 })).toEqual({ sampled: true, why: 'minimum' });
    expect(decideSolved({ rate: 0.5, minPerWeek: 1, sampledThisWeek: 1, draw: 0.2 })).toEqual({ sampled: true, why: 'rate' });
    expect(decideSolved({ rate: 0.5, minPerWeek: 1, sampledThisWeek: 1, draw: 0.5 })).toEqual({ sampled: false, why: 'not_drawn' });
  });

  it('strata: AI- or human-handled, looking bad on a reopen, a low rating or a repeat contact', () => {
    const facts = (f: Partial<SolvedFacts>): SolvedFacts => ({ aiHandled: false, reopened: false, repeatContact: false, ...f });
    expect(solvedStratum(facts({ aiHandled: true }), 2)).toEqual({ stratum: 'ai_good', signals: [] });
    expect(solvedStratum(facts({}), 2)).toEqual({ stratum: 'human_good', signals: [] });
    expect(solvedStratum(facts({ aiHandled: true, reopened: true, rating: 1, repeatContact: true }), 2)).toEqual({ stratum: 'ai_bad', signals: ['reopened', 'low_rating', 'repeat_contact'] });
    expect(solvedStratum(facts({ rating: 3 }), 2)).toEqual({ stratum: 'human_good', signals: [] });
    expect(solvedStratum(facts({ rating: 2 }), 2)).toEqual({ stratum: 'human_bad', signals: ['low_rating'] });
  });
});

describe('samplingPolicy', () => {
  it('a category’s own rates win over the tenant’s, which win over the file’s', () => {
    expect(samplingPolicy(file, undefined, 'shipping')).toEqual({ autopilotRate: 0.1, solvedRate: 0.05, ...policyDefaults() });
    expect(samplingPolicy(file, { autopilot_rate: 0.3, solved_rate: 0.2 }, 'shipping')).toMatchObject({ autopilotRate: 0.3, solvedRate: 0.2 });
    expect(samplingPolicy(file, { autopilot_rate: 0.3, solved_rate: 0.2 }, 'returns')).toMatchObject({ autopilotRate: 0.5, solvedRate: 0.2, minPerWeek: 3 });
    // a category the file does not know (a draft from before an edit) takes the tenant's and the file's
    expect(samplingPolicy(file, undefined, 'gone')).toMatchObject({ autopilotRate: 0.1, solvedRate: 0.05 });
  });

  it('the file’s block sets the minimum, the repeat-contact window and the low rating', () => {
    const own = parseCategories({ categories: [{ id: 'a', name: 'A' }], sampling: { autopilot_rate: 0, solved_rate: 0, min_per_week: 0, repeat_contact_days: 3, low_rating_max: 1 } }, 'test');
    expect(samplingPolicy(own, undefined, 'a')).toEqual({ autopilotRate: 0, solvedRate: 0, minPerWeek: 0, repeatContactDays: 3, lowRatingMax: 1 });
  });

  it('refuses a rate outside 0..1 and an unknown key, naming the field', () => {
    expect(() => parseCategories({ categories: [{ id: 'a', name: 'A', sampling: { autopilot_rate: 2 } }] }, 'f.yaml')).toThrow(/categories\.0\.sampling\.autopilot_rate/);
    expect(() => parseCategories({ categories: [{ id: 'a', name: 'A' }], sampling: { autopilot_rate: 0.1, solved_rate: 0.1, solved_min: 1 } }, 'f.yaml')).toThrow(/sampling/);
  });
});

describe('isoWeek', () => {
  it.each([
    ['2026-11-27T10:00:00Z', '2026-W48'],
    ['2026-01-01T00:00:00Z', '2026-W01'],
    ['2024-12-30T12:00:00Z', '2025-W01'],
    ['2021-01-03T23:59:59Z', '2020-W53'],
    ['2026-11-30T00:00:00Z', '2026-W49'],
  ])('%s is in %s', (at, week) => expect(isoWeek(new Date(at))).toBe(week));
});

function policyDefaults() {
  return { minPerWeek: SAMPLING_DEFAULTS.min_per_week, repeatContactDays: SAMPLING_DEFAULTS.repeat_contact_days, lowRatingMax: SAMPLING_DEFAULTS.low_rating_max };
}
