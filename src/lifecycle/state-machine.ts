import type { SampleEvidence, WindowEvidence } from './evidence';
import type { LifecyclePolicy } from './lifecycle-policy';

/**
 * A category's mode per tenant (docs/lifecycle.md): `review` (every draft waits for an agent),
 * `autopilot` (a draft may be sent on its own) and `held` (sensitive: never autopilot, never ready).
 * Stored modes are review and autopilot; held is what a sensitive category shows, whatever is stored.
 * Pure: the evidence comes in, a verdict or a transition goes out.
 */
export type StoredMode = 'review' | 'autopilot';
export type CategoryMode = StoredMode | 'held';

/** Who changed a mode: an admin (their id), or the lifecycle itself. */
export type ModeActor = { kind: 'admin'; id: string; name?: string } | { kind: 'auto_promote' } | { kind: 'auto_demote' };

export interface ModeState {
  mode: StoredMode;
  /** the last mode change; evidence before it does not count (a fresh window). null: never changed */
  changed_at: Date | null;
}

export interface Readiness {
  ready: boolean;
  /** why a category can never be ready */
  held_reason?: 'sensitive';
  /** what is missing, in words (empty when ready) */
  missing: string[];
}

export function effectiveMode(state: ModeState, sensitive: boolean): CategoryMode {
  return sensitive ? 'held' : state.mode;
}

/**
 * Ready: at least `min_clean_approvals` clean approvals within the window AND a clean rate of at least
 * `min_clean_rate` over it. A sensitive category is never ready.
 */
export function readinessOf(evidence: WindowEvidence, policy: LifecyclePolicy, sensitive: boolean): Readiness {
  if (sensitive) return { ready: false, held_reason: 'sensitive', missing: ['the category is sensitive: held in review'] };
  const missing: string[] = [];
  const more = policy.min_clean_approvals - evidence.clean_approvals;
  if (more > 0) missing.push(`${more} more clean approval${more === 1 ? '' : 's'} (${evidence.clean_approvals} of ${policy.min_clean_approvals} within the last ${policy.window} reviews)`);
  if (evidence.reviews > 0 && evidence.clean_rate < policy.min_clean_rate) missing.push(`a clean rate of ${policy.min_clean_rate} (it is ${evidence.clean_rate} over ${evidence.reviews} reviews)`);
  return { ready: missing.length === 0, missing };
}

/**
 * Why the sampled reviews of autopilot replies send the category back to review, or undefined:
 * a reject rate above `max_reject_rate` over the latest `sample_window` of them, or, in a `strict`
 * category, any reject as policy_violation or wrong_information among them.
 */
export function demotionCause(samples: SampleEvidence, policy: LifecyclePolicy): string | undefined {
  if (policy.strict) {
    const reason = Object.keys(samples.strict_rejects)[0];
    if (reason) return `a sampled autopilot reply was rejected as ${reason} in a strict category`;
  }
  if (samples.reviews > 0 && samples.reject_rate > policy.max_reject_rate) {
    return `${samples.rejects} of the last ${samples.reviews} sampled autopilot replies rejected (${samples.reject_rate} > max_reject_rate ${policy.max_reject_rate})`;
  }
  return undefined;
}

export type PromotionVerdict = { ok: true; to: 'autopilot'; changed: boolean } | { ok: false; error: 'not_ready' | 'sensitive'; missing: string[] };

/** An admin's promotion: refused for a sensitive category and for one that is not ready. */
export function promotionVerdict(state: ModeState, readiness: Readiness, sensitive: boolean): PromotionVerdict {
  if (sensitive) return { ok: false, error: 'sensitive', missing: readiness.missing };
  if (state.mode === 'autopilot') return { ok: true, to: 'autopilot', changed: false };
  if (!readiness.ready) return { ok: false, error: 'not_ready', missing: readiness.missing };
  return { ok: true, to: 'autopilot', changed: true };
}

export interface Transition {
  to: StoredMode;
  actor: ModeActor;
  why: string;
}

/**
 * What the lifecycle does by itself after a review: demote an autopilot category whose samples fail,
 * or (with `auto_promote`) promote a ready review category. Nothing otherwise. Demotion is checked
 * first and needs no readiness; a sensitive category is never promoted.
 */
export function automaticTransition(state: ModeState, evidence: { readiness: Readiness; samples: SampleEvidence }, policy: LifecyclePolicy, sensitive: boolean): Transition | undefined {
  if (state.mode === 'autopilot') {
    const cause = demotionCause(evidence.samples, policy);
    return cause ? { to: 'review', actor: { kind: 'auto_demote' }, why: cause } : undefined;
  }
  if (policy.auto_promote && !sensitive && evidence.readiness.ready) {
    return { to: 'autopilot', actor: { kind: 'auto_promote' }, why: 'ready, and auto_promote is on' };
  }
  return undefined;
}

/** The actor as stored in the audit: the admin's id, or auto_promote / auto_demote. */
export const actorId = (actor: ModeActor): string => (actor.kind === 'admin' ? actor.id : actor.kind);
