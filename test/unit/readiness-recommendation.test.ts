import { sampleEvidence, tallyOf, windowEvidence, ReviewEvent } from '../../src/lifecycle/evidence';
import type { LifecyclePolicy } from '../../src/lifecycle/lifecycle-policy';
import { recommendationOf, RecommendationInput } from '../../src/reports/recommendation';

/** The readiness report's recommendation per category: the lifecycle's readiness and demotion rules as a next step. */

const policy: LifecyclePolicy = { min_clean_approvals: 3, window: 10, min_clean_rate: 0.8, auto_promote: false, sample_window: 5, max_reject_rate: 0.2, strict: false };
const at = new Date('2026-11-24T09:00:00Z');
const reviews = (actions: [ReviewEvent['action'], string?][], decision = 'review'): ReviewEvent[] => actions.map(([action, reason]) => ({ action, reason: reason ?? null, decision, at }));

function category(over: Partial<RecommendationInput> & { window?: ReviewEvent[]; samples?: ReviewEvent[] } = {}): RecommendationInput {
  const { window = [], samples = [], ...rest } = over;
  return {
    mode: 'review',
    sensitive: false,
    ready: false,
    missing: [],
    evidence: windowEvidence(tallyOf(window), policy.window, null),
    autopilot_samples: sampleEvidence(tallyOf(samples), policy.sample_window, null),
    policy,
    ...rest,
  };
}

describe('readiness recommendation', () => {
  it('stay sensitive: a sensitive category, whatever its evidence or stored mode', () => {
    const clean = reviews([['approve'], ['approve'], ['approve']]);
    expect(recommendationOf(category({ mode: 'held', sensitive: true, window: clean, missing: ['the category is sensitive: held in review'] }))).toEqual({ recommendation: 'stay sensitive', why: 'the category is sensitive: its drafts always wait for an agent', missing: [] });
    expect(recommendationOf(category({ mode: 'autopilot', sensitive: true, samples: reviews([['reject', 'wrong_tone']], 'autopilot') })).recommendation).toBe('stay sensitive');
  });

  it('promote: in review and ready, with the evidence that makes it so', () => {
    const r = recommendationOf(category({ ready: true, window: reviews([['approve'], ['approve'], ['approve'], ['approve'], ['edit']]) }));
    expect(r).toEqual({ recommendation: 'promote', why: 'ready: 4 clean approvals (3 needed) and a clean rate of 0.8 (0.8 needed) over the last 5 reviews', missing: [] });
  });

  it('hold: in review and not ready, with what is missing', () => {
    const missing = ['2 more clean approvals (1 of 3 within the last 10 reviews)'];
    expect(recommendationOf(category({ missing, window: reviews([['approve']]) }))).toEqual({ recommendation: 'hold', why: 'not ready for autopilot: 1 requirement missing', missing });
  });

  it('demote: in autopilot with sampled rejects over max_reject_rate', () => {
    const samples = reviews([['approve'], ['approve'], ['reject', 'wrong_tone']], 'autopilot');
    expect(recommendationOf(category({ mode: 'autopilot', samples }))).toEqual({ recommendation: 'demote', why: '1 of the last 3 sampled autopilot replies rejected (0.3333 > max_reject_rate 0.2)', missing: [] });
  });

  it('demote: in a strict category, one sampled reject as wrong_information or policy_violation', () => {
    const samples = reviews([['approve'], ['approve'], ['approve'], ['approve'], ['approve'], ['approve'], ['reject', 'policy_violation']], 'autopilot');
    const strict = { ...policy, strict: true };
    expect(recommendationOf(category({ mode: 'autopilot', samples, policy: strict }))).toMatchObject({ recommendation: 'demote', why: 'a sampled autopilot reply was rejected as policy_violation in a strict category' });
    // the same samples in a category that is not strict: 1 of 7 is within 0.2
    expect(recommendationOf(category({ mode: 'autopilot', samples })).recommendation).toBe('hold');
  });

  it('hold: in autopilot with samples within max_reject_rate, or none yet; at the rate exactly it is not over', () => {
    const atRate = reviews([['approve'], ['approve'], ['approve'], ['approve'], ['reject', 'wrong_tone']], 'autopilot');
    expect(recommendationOf(category({ mode: 'autopilot', samples: atRate }))).toEqual({ recommendation: 'hold', why: 'in autopilot; 1 of the last 5 sampled autopilot replies rejected (0.2 ≤ max_reject_rate 0.2)', missing: [] });
    expect(recommendationOf(category({ mode: 'autopilot' }))).toEqual({ recommendation: 'hold', why: 'in autopilot; no sampled autopilot reply has been reviewed yet', missing: [] });
  });
});
