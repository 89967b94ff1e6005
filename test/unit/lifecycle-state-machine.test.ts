import { calibrationOf, suggestedThreshold } from '../../src/lifecycle/calibration';
import { ReviewEvent, sampleEvents, sampleEvidence, tallyOf, windowEvents, windowEvidence } from '../../src/lifecycle/evidence';
import { LifecyclePolicy, lifecyclePolicyOf } from '../../src/lifecycle/lifecycle-policy';
import { automaticTransition, effectiveMode, ModeState, promotionVerdict, readinessOf, Transition } from '../../src/lifecycle/state-machine';
import { withLiveMode } from '../../src/lifecycle/live-modes';
import { decide } from '../../src/policy/decide';
import { parseCategories } from '../../src/policy/categories';

/**
 * Simulations of the category lifecycle: sequences of review events fed to the pure state machine,
 * each transition asserted. The evidence is computed by the same functions the store's tallies go through.
 */

const policy = (o: Partial<LifecyclePolicy> = {}): LifecyclePolicy => ({ min_clean_approvals: 3, window: 5, min_clean_rate: 0.6, auto_promote: false, sample_window: 4, max_reject_rate: 0.25, strict: false, ...o });

class Simulation {
  events: ReviewEvent[] = [];
  state: ModeState = { mode: 'review', changed_at: null };
  transitions: Transition[] = [];
  private t = Date.UTC(2026, 0, 5);

  constructor(readonly p: LifecyclePolicy, readonly sensitive = false) {}

  assess() {
    const evidence = windowEvidence(tallyOf(windowEvents(this.events, this.state.changed_at, this.p.window)), this.p.window, this.state.changed_at);
    const samples = sampleEvidence(tallyOf(sampleEvents(this.events, this.state.changed_at, this.p.sample_window)), this.p.sample_window, this.state.changed_at);
    return { evidence, samples, readiness: readinessOf(evidence, this.p, this.sensitive) };
  }

  /** One review, then what the lifecycle does by itself. */
  review(action: ReviewEvent['action'], o: { reason?: string; decision?: string } = {}): Transition | undefined {
    const at = new Date((this.t += 60_000));
    this.events.push({ action, reason: o.reason ?? null, decision: o.decision ?? (this.state.mode === 'autopilot' ? 'autopilot' : 'review'), at });
    const transition = automaticTransition(this.state, this.assess(), this.p, this.sensitive);
    if (transition) this.move(transition, at);
    return transition;
  }

  promote() {
    const a = this.assess();
    const verdict = promotionVerdict(this.state, a.readiness, this.sensitive);
    if (verdict.ok && verdict.changed) this.move({ to: 'autopilot', actor: { kind: 'admin', id: '1' }, why: 'admin' }, new Date((this.t += 1000)));
    return verdict;
  }

  private move(t: Transition, at: Date) {
    this.state = { mode: t.to, changed_at: at };
    this.transitions.push(t);
  }
}

describe('category lifecycle: readiness', () => {
  it('is not ready below min_clean_approvals, and ready exactly at it', () => {
    const s = new Simulation(policy());
    s.review('approve');
    s.review('approve');
    expect(s.assess().readiness).toEqual({ ready: false, missing: ['1 more clean approval (2 of 3 within the last 5 reviews)'] });
    expect(s.promote()).toEqual({ ok: false, error: 'not_ready', missing: ['1 more clean approval (2 of 3 within the last 5 reviews)'] });
    s.review('approve');
    expect(s.assess().readiness).toEqual({ ready: true, missing: [] });
    expect(s.assess().evidence).toMatchObject({ reviews: 3, clean_approvals: 3, clean_rate: 1 });
  });

  it('needs the clean rate too: approvals diluted by edits and rejects within the window are not enough', () => {
    const s = new Simulation(policy({ min_clean_rate: 0.8 }));
    for (const a of ['approve', 'edit', 'approve', 'reject', 'approve'] as const) s.review(a, a === 'reject' ? { reason: 'wrong_tone' } : {});
    const { evidence, readiness } = s.assess();
    expect(evidence).toMatchObject({ reviews: 5, clean_approvals: 3, clean_rate: 0.6, edit_rate: 0.2, reject_rate: 0.2, reject_reasons: { wrong_tone: 1 } });
    expect(readiness.ready).toBe(false);
    expect(readiness.missing).toEqual(['a clean rate of 0.8 (it is 0.6 over 5 reviews)']);
    // the window moves: two more approvals push the edit and the first approve out (last 5: approve, reject, approve, approve, approve)
    s.review('approve');
    s.review('approve');
    expect(s.assess().evidence).toMatchObject({ reviews: 5, clean_approvals: 4, clean_rate: 0.8 });
    expect(s.assess().readiness.ready).toBe(true);
  });

  it('does not count reviews of escalated drafts', () => {
    const s = new Simulation(policy());
    for (let i = 0; i < 3; i++) s.review('approve', { decision: 'escalate' });
    expect(s.assess().evidence.reviews).toBe(0);
  });

  it('refuses promotion for a sensitive category, which shows held and is never ready', () => {
    const s = new Simulation(policy({ auto_promote: true }), true);
    for (let i = 0; i < 5; i++) expect(s.review('approve')).toBeUndefined();
    expect(s.assess().readiness).toEqual({ ready: false, held_reason: 'sensitive', missing: ['the category is sensitive: held in review'] });
    expect(s.promote()).toMatchObject({ ok: false, error: 'sensitive' });
    expect(effectiveMode(s.state, true)).toBe('held');
    expect(effectiveMode({ mode: 'autopilot', changed_at: null }, true)).toBe('held');
  });
});

describe('category lifecycle: promotion and demotion', () => {
  it('auto-promotes when enabled, on the review that makes the category ready', () => {
    const s = new Simulation(policy({ auto_promote: true }));
    expect(s.review('approve')).toBeUndefined();
    expect(s.review('approve')).toBeUndefined();
    expect(s.review('approve')).toEqual({ to: 'autopilot', actor: { kind: 'auto_promote' }, why: 'ready, and auto_promote is on' });
    expect(s.state.mode).toBe('autopilot');
  });

  it('does not promote by itself without auto_promote; an admin promotes a ready category', () => {
    const s = new Simulation(policy());
    for (let i = 0; i < 4; i++) expect(s.review('approve')).toBeUndefined();
    expect(s.state.mode).toBe('review');
    expect(s.promote()).toEqual({ ok: true, to: 'autopilot', changed: true });
    expect(s.promote()).toEqual({ ok: true, to: 'autopilot', changed: false });
  });

  it('demotes at once when the sampled rejects of autopilot replies exceed max_reject_rate', () => {
    const s = new Simulation(policy({ auto_promote: true }));
    for (let i = 0; i < 3; i++) s.review('approve');
    expect(s.state.mode).toBe('autopilot');
    // 1 reject of 4 samples = 0.25, not above 0.25
    for (const a of ['approve', 'approve', 'approve'] as const) expect(s.review(a)).toBeUndefined();
    expect(s.review('reject', { reason: 'wrong_tone' })).toBeUndefined();
    expect(s.assess().samples).toMatchObject({ reviews: 4, rejects: 1, reject_rate: 0.25 });
    const t = s.review('reject', { reason: 'missing_information' });
    expect(t).toEqual({ to: 'review', actor: { kind: 'auto_demote' }, why: '2 of the last 4 sampled autopilot replies rejected (0.5 > max_reject_rate 0.25)' });
    expect(s.state.mode).toBe('review');
  });

  it('demotes a strict category on one policy_violation or wrong_information reject; a non-strict one waits for the rate', () => {
    for (const reason of ['policy_violation', 'wrong_information']) {
      const strict = new Simulation(policy({ strict: true, max_reject_rate: 0.5 }));
      for (let i = 0; i < 3; i++) strict.review('approve');
      strict.promote();
      for (let i = 0; i < 3; i++) strict.review('approve');
      expect(strict.review('reject', { reason })?.why).toBe(`a sampled autopilot reply was rejected as ${reason} in a strict category`);
    }
    const lenient = new Simulation(policy({ max_reject_rate: 0.5 }));
    for (let i = 0; i < 3; i++) lenient.review('approve');
    lenient.promote();
    for (let i = 0; i < 3; i++) lenient.review('approve');
    expect(lenient.review('reject', { reason: 'policy_violation' })).toBeUndefined();
    expect(lenient.state.mode).toBe('autopilot');
  });

  it('does not flap: after a demotion only later reviews count, so re-promotion needs a fresh window', () => {
    const s = new Simulation(policy({ auto_promote: true, min_clean_rate: 0.5 }));
    for (let i = 0; i < 3; i++) s.review('approve');
    expect(s.state.mode).toBe('autopilot');
    s.review('reject', { reason: 'wrong_tone' }); // 1 of 1 sampled: demoted
    expect(s.state.mode).toBe('review');
    // the three clean approvals before the demotion still sit in the last 5 reviews, but do not count
    expect(s.assess().evidence).toMatchObject({ reviews: 0, clean_approvals: 0, since: s.state.changed_at!.toISOString() });
    expect(s.review('approve')).toBeUndefined();
    expect(s.review('approve')).toBeUndefined();
    expect(s.state.mode).toBe('review');
    expect(s.review('approve')?.actor).toEqual({ kind: 'auto_promote' });
    expect(s.transitions.map((t) => `${t.actor.kind}->${t.to}`)).toEqual(['auto_promote->autopilot', 'auto_demote->review', 'auto_promote->autopilot']);
  });

  it('after a re-promotion the earlier sampled rejects no longer count against it', () => {
    const s = new Simulation(policy({ auto_promote: true, min_clean_rate: 0.5 }));
    for (let i = 0; i < 3; i++) s.review('approve');
    s.review('reject', { reason: 'wrong_tone' });
    for (let i = 0; i < 3; i++) s.review('approve');
    expect(s.state.mode).toBe('autopilot');
    expect(s.assess().samples).toMatchObject({ reviews: 0, rejects: 0 });
    expect(s.review('approve')).toBeUndefined();
  });
});

describe('category lifecycle: configuration and the decision', () => {
  const file = parseCategories(
    {
      categories: [
        { id: 'a', name: 'A', promotion: { window: 10 }, demotion: { max_reject_rate: 0.3 } },
        { id: 'b', name: 'B', strict: true, sensitive: true },
      ],
      promotion: { min_clean_approvals: 5, window: 20, min_clean_rate: 0.8 },
    },
    'test',
  );

  it('layers the file, the tenant and the category: the most specific wins', () => {
    const [a, b] = file.categories;
    expect(lifecyclePolicyOf(file, b!)).toEqual({ min_clean_approvals: 5, window: 20, min_clean_rate: 0.8, auto_promote: false, sample_window: 20, max_reject_rate: 0.1, strict: true });
    expect(lifecyclePolicyOf(file, a!, { promotion: { window: 50, auto_promote: true }, demotion: { sample_window: 7, max_reject_rate: 0.2 } })).toEqual({
      min_clean_approvals: 5,
      window: 10,
      min_clean_rate: 0.8,
      auto_promote: true,
      sample_window: 7,
      max_reject_rate: 0.3,
      strict: false,
    });
  });

  it('refuses unknown promotion keys in the file', () => {
    expect(() => parseCategories({ categories: [{ id: 'a', name: 'A', promotion: { min_clean: 3 } }] }, 'test')).toThrow(/categories\.0\.promotion: Unrecognized key/);
  });

  it('the stored mode feeds decide(): promoted reaches autopilot, demoted and sensitive do not', () => {
    const [a, b] = file.categories;
    const input = { reasons: [], hasCitation: true, confidence: 0.9, autopilotThreshold: 0.6 };
    expect(decide({ ...input, category: withLiveMode(a!, undefined) })).toBe('review');
    expect(decide({ ...input, category: withLiveMode(a!, new Map([['a', 'autopilot']])) })).toBe('autopilot');
    expect(decide({ ...input, category: withLiveMode({ ...a!, mode: 'autopilot' }, new Map([['a', 'review']])) })).toBe('review');
    expect(decide({ ...input, category: withLiveMode(b!, new Map([['b', 'autopilot']])) })).toBe('review');
  });
});

describe('calibration', () => {
  const levels = [
    { level: 95, reviews: 40, clean: 38, confidence_sum: 38 },
    { level: 85, reviews: 30, clean: 27, confidence_sum: 25.5 },
    { level: 65, reviews: 20, clean: 10, confidence_sum: 13 },
    { level: 20, reviews: 10, clean: 1, confidence_sum: 2 },
  ];

  it('buckets reviews by confidence and gives the expected calibration error', () => {
    const c = calibrationOf(levels, 5);
    expect(c.reviews).toBe(100);
    expect(c.buckets.map((b) => [b.from, b.to, b.reviews, b.clean_rate])).toEqual([
      [0, 0.2, 0, null],
      [0.2, 0.4, 10, 0.1],
      [0.4, 0.6, 0, null],
      [0.6, 0.8, 20, 0.5],
      [0.8, 1, 70, 0.9286],
    ]);
    // 0.1·|0.1−0.2| + 0.2·|0.5−0.65| + 0.7·|65/70 − 63.5/70|
    expect(c.ece).toBeCloseTo(0.1 * 0.1 + 0.2 * 0.15 + 0.7 * Math.abs(65 / 70 - 63.5 / 70), 4);
    expect(calibrationOf([], 10)).toMatchObject({ ece: null, reviews: 0 });
  });

  it('puts a level on a bucket boundary into the bucket it starts, whatever the bucket count', () => {
    // (58 / 100) × 50 is 28.999999999999996 in floating point: 0.58 starts bucket 29, [0.58, 0.6)
    expect(calibrationOf([{ level: 58, reviews: 1, clean: 1, confidence_sum: 0.58 }], 50).buckets[29]).toMatchObject({ from: 0.58, reviews: 1 });
    expect(calibrationOf([{ level: 57, reviews: 1, clean: 1, confidence_sum: 0.57 }], 100).buckets[57]).toMatchObject({ from: 0.57, reviews: 1 });
    expect(calibrationOf([{ level: 100, reviews: 1, clean: 1, confidence_sum: 1 }], 5).buckets[4]).toMatchObject({ from: 0.8, to: 1, reviews: 1 });
  });

  it('suggests the lowest threshold whose drafts at or above it keep the clean rate, with a minimum sample', () => {
    expect(suggestedThreshold(levels, 0.9, 30)).toBe(0.85); // 65/70 at 0.85; adding 0.65 gives 75/90 < 0.9
    expect(suggestedThreshold(levels, 0.8, 30)).toBe(0.65); // 75/90 = 0.83; adding 0.20 gives 76/100 < 0.8
    expect(suggestedThreshold(levels, 0.9, 200)).toBeUndefined(); // never enough drafts
    expect(suggestedThreshold(levels, 0.99, 30)).toBeUndefined(); // the first sample big enough is already below
  });
});
