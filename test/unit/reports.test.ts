import { lowConfidenceReport } from '../../src/reports/low-confidence-report';
import { reportScope } from '../../src/reports/report-query';
import { clusterQuestions, jaccard } from '../../src/reports/cluster-questions';
import { isoWeekOf, isoWeekSchema, weekRange, weeksInYear } from '../../src/domain/iso-week';
import { allocateSample } from '../../src/reports/stratified-sample';
import { suggestTitle } from '../../src/reports/suggest-title';
import { threadLink } from '../../src/domain/tenant';

describe('ISO weeks', () => {
  it.each([
    ['2026-11-26T12:00:00Z', '2026-W48'],
    ['2026-11-23T00:00:00Z', '2026-W48'], // Monday 00:00 starts the week
    ['2026-11-22T23:59:59Z', '2026-W47'],
    ['2027-01-01T00:00:00Z', '2026-W53'], // a Friday: still the last week of 2026
    ['2024-12-30T08:00:00Z', '2025-W01'], // a Monday of December in week 1 of the next year
    ['2021-01-03T08:00:00Z', '2020-W53'],
  ])('%s is in %s', (at, week) => {
    expect(isoWeekOf(new Date(at))).toBe(week);
  });

  it('a week runs from Monday 00:00 UTC to the next Monday', () => {
    const r = weekRange('2026-W48');
    expect([r.from.toISOString(), r.to.toISOString()]).toEqual(['2026-11-23T00:00:00.000Z', '2026-11-30T00:00:00.000Z']);
    expect(weekRange('2026-W01').from.toISOString()).toBe('2025-12-29T00:00:00.000Z');
    expect(weeksInYear(2026)).toBe(53);
    expect(weeksInYear(2025)).toBe(52);
    // every day of a year is in the week its range says
    for (let d = Date.UTC(2026, 0, 1); d < Date.UTC(2027, 0, 1); d += 86_400_000) {
      const { from, to } = weekRange(isoWeekOf(new Date(d)));
      expect(d >= from.getTime() && d < to.getTime()).toBe(true);
    }
  });

  it.each(['2026-48', '2026-W4', '2026-W00', '2026-W54', '2025-W53', 'W48', '1969-W10', ''])('"%s" is refused, naming the format', (week) => {
    const r = isoWeekSchema.safeParse(week);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toContain('YYYY-Www');
  });
});

describe('ticket links', () => {
  it('Zendesk agent view and Intercom inbox view', () => {
    expect(threadLink('zendesk:acme', '4812')).toBe('https://acme.zendesk.com/agent/tickets/4812');
    expect(threadLink('intercom:x7k2pq9a', '215469330102875')).toBe('https://app.intercom.com/a/inbox/x7k2pq9a/inbox/conversation/215469330102875');
    expect(threadLink('other:x', '1')).toBeUndefined();
  });
});

describe('question clustering', () => {
  const cluster = (texts: string[]) => clusterQuestions(texts.map((text, i) => ({ text, item: i }))).map((c) => ({ items: c.members.map((m) => m.item), words: c.words }));

  it('jaccard similarity', () => {
    expect(jaccard(new Set(['a', 'b']), new Set(['b', 'c']))).toBeCloseTo(1 / 3);
    expect(jaccard(new Set(), new Set())).toBe(1);
  });

  it('groups questions sharing most content terms, in any inflection, largest cluster first', () => {
    expect(
      cluster([
        'How do I transfer my membership to a friend?',
        'Is there parking at your clubs?',
        'Do you have parking at the club?',
        'Can I transfer my membership?',
        'Where can I park near the club?',
        'Do you sell gift cards?',
      ]),
    ).toEqual([
      { items: [1, 2, 4], words: ['club', 'parking'] },
      { items: [0, 3], words: ['membership', 'transfer'] },
      { items: [5], words: ['cards', 'gift', 'sell'] },
    ]);
  });

  it('questions without a content word form one cluster, last', () => {
    const clusters = cluster(['hello??', 'Refund please', 'hi?', 'refund']);
    expect(clusters).toEqual([
      { items: [1, 3], words: ['refund'] },
      { items: [0, 2], words: [] },
    ]);
  });

  it('is deterministic and handles thousands of questions', () => {
    const texts = Array.from({ length: 5000 }, (_, i) => `Question about topic${i % 200} and item${i % 37}`);
    const a = clusterQuestions(texts.map((text, i) => ({ text, item: i })));
    const b = clusterQuestions(texts.map((text, i) => ({ text, item: i })));
    expect(a.map((c) => c.members.length)).toEqual(b.map((c) => c.members.length));
    expect(a.reduce((n, c) => n + c.members.length, 0)).toBe(5000);
  });
});

describe('suggested titles', () => {
  it.each([
    [['How do I transfer my membership to a friend?', 'Can I transfer my membership?'], ['transfer', 'membership'], 'How to transfer membership'],
    [['Is there parking at your clubs?', 'parking at the club?'], ['park', 'club'], 'Parking at clubs'],
    [['Do you do home visits?', 'Can the vet do home visits?'], ['hom', 'visit'], 'Home visits'],
    [['Can I pay with crypto?'], ['pay', 'crypto'], 'How to pay with crypto'],
  ])('%j -> %s', (questions, terms, title) => {
    expect(suggestTitle(questions, terms, terms)).toBe(title);
  });

  it('no title without terms; the terms themselves when the stretch is long', () => {
    expect(suggestTitle(['hello??'], [], [])).toBeUndefined();
    expect(suggestTitle(['Is there parking, I mean somewhere my very large van could stay, near the club?'], ['park', 'club'], ['parking', 'club'])).toBe('Parking club');
  });
});

describe('stratified sample allocation', () => {
  it('every stratum gets one, the rest in proportion, never more than a stratum holds', () => {
    const q = allocateSample(
      [
        { key: 'a', size: 100 },
        { key: 'b', size: 10 },
        { key: 'c', size: 1 },
        { key: 'd', size: 0 },
      ],
      12,
    );
    // one each, then the 9 left shared by what a and b still hold (99 and 9): 8.25 and 0.75, b has the larger remainder
    expect(Object.fromEntries(q)).toEqual({ a: 9, b: 2, c: 1 });
    expect([...q.values()].reduce((n, x) => n + x, 0)).toBe(12);
  });

  it('a sample larger than the drafts takes them all; more strata than room takes the largest', () => {
    expect(Object.fromEntries(allocateSample([{ key: 'a', size: 2 }, { key: 'b', size: 3 }], 30))).toEqual({ a: 2, b: 3 });
    expect(Object.fromEntries(allocateSample([{ key: 'a', size: 5 }, { key: 'b', size: 9 }, { key: 'c', size: 1 }], 2))).toEqual({ a: 1, b: 1, c: 0 });
  });

  it('sums to the sample size for many shapes', () => {
    for (let seed = 1; seed < 200; seed++) {
      const strata = Array.from({ length: 1 + (seed % 9) }, (_, i) => ({ key: `s${i}`, size: (seed * (i + 3)) % 17 }));
      const total = strata.reduce((n, s) => n + s.size, 0);
      const q = allocateSample(strata, 30);
      expect([...q.values()].reduce((n, x) => n + x, 0)).toBe(Math.min(30, total));
      for (const s of strata) expect(q.get(s.key) ?? 0).toBeLessThanOrEqual(s.size);
      for (const s of strata) if (s.size > 0 && strata.filter((o) => o.size > 0).length <= 30) expect(q.get(s.key)).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('week calibration', () => {
  it('the low-confidence report buckets the week\'s reviews with the lifecycle\'s calibration, in fifths', () => {
    const scope = reportScope({ week: '2026-W48' }, new Date());
    const { calibration: c } = lowConfidenceReport(scope, {
      threshold: 0.35,
      strata: [],
      candidates: [],
      reviews: new Map(),
      calibration: [
        { level: 10, reviews: 2, clean: 0, confidence_sum: 0.2 },
        { level: 85, reviews: 4, clean: 3, confidence_sum: 3.4 },
        { level: 95, reviews: 4, clean: 3, confidence_sum: 3.8 },
      ],
    });
    expect(c.reviews).toBe(10);
    expect(c.buckets[0]).toEqual({ from: 0, to: 0.2, reviews: 2, mean_confidence: 0.1, clean_rate: 0 });
    expect(c.buckets[2]).toEqual({ from: 0.4, to: 0.6, reviews: 0, mean_confidence: null, clean_rate: null });
    expect(c.buckets[4]).toEqual({ from: 0.8, to: 1, reviews: 8, mean_confidence: 0.9, clean_rate: 0.75 });
    // 0.2 × 0.1 + 0.8 × 0.15
    expect(c.ece).toBeCloseTo(0.14, 4);
    expect(lowConfidenceReport(scope, { threshold: 0.35, strata: [], candidates: [], reviews: new Map(), calibration: [] }).calibration).toMatchObject({ ece: null, reviews: 0 });
  });
});
