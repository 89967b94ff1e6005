import type { ReviewAction } from '../reviews/review-input';

/**
 * The evidence a category's mode is decided on (docs/lifecycle.md, Evidence). The store's SQL
 * (lifecycle-stats.ts) and the in-memory fold below both produce a Tally; the rates come from it here,
 * in one place. Pure.
 */

/** One review as the lifecycle sees it: what the agent did, and the decision of the draft reviewed. */
export interface ReviewEvent {
  action: ReviewAction;
  reason: string | null;
  /** the reviewed draft's decision: autopilot, review or escalate */
  decision: string;
  at: Date;
  edit_distance?: number | null;
  /** the reviewed draft cited at least one source */
  cited?: boolean;
}

/** Counts over a set of reviews. */
export interface Tally {
  reviews: number;
  approvals: number;
  edits: number;
  rejects: number;
  escalations: number;
  replaced: number;
  /** sum and count of the edit distances of the edits */
  edit_distance_sum: number;
  edit_distance_n: number;
  /** reviews of drafts that cited a source */
  cited: number;
  reject_reasons: Record<string, number>;
  escalation_reasons: Record<string, number>;
}

export interface WindowEvidence {
  reviews: number;
  clean_approvals: number;
  clean_rate: number;
  edit_rate: number;
  /** mean Levenshtein distance of the edits; null without any */
  mean_edit_distance: number | null;
  reject_rate: number;
  reject_reasons: Record<string, number>;
  escalation_rate: number;
  escalation_reasons: Record<string, number>;
  replaced_rate: number;
  /** the share of the reviewed drafts that cited a source */
  source_coverage: number;
  /** the window's size (the most reviews that count) */
  window: number;
  /** only reviews after this time count (the last mode change); null: all */
  since: string | null;
}

/** The sampled reviews of a category's autopilot replies (every review of an autopilot reply is one). */
export interface SampleEvidence {
  reviews: number;
  rejects: number;
  reject_rate: number;
  /** rejects as policy_violation or wrong_information, by reason */
  strict_rejects: Record<string, number>;
  sample_window: number;
  since: string | null;
}

/** Reasons that demote a `strict` category on a single sampled reject. */
export const STRICT_REASONS = ['policy_violation', 'wrong_information'] as const;

export const emptyTally = (): Tally => ({ reviews: 0, approvals: 0, edits: 0, rejects: 0, escalations: 0, replaced: 0, edit_distance_sum: 0, edit_distance_n: 0, cited: 0, reject_reasons: {}, escalation_reasons: {} });

/** Adds `n` reviews of one action and reason to a tally (the store answers grouped rows). */
export function addToTally(t: Tally, row: { action: string; reason: string | null; n: number; distance_sum?: number; distance_n?: number; cited?: number }): Tally {
  t.reviews += row.n;
  t.cited += row.cited ?? 0;
  if (row.action === 'approve') t.approvals += row.n;
  else if (row.action === 'edit') {
    t.edits += row.n;
    t.edit_distance_sum += row.distance_sum ?? 0;
    t.edit_distance_n += row.distance_n ?? 0;
  } else if (row.action === 'replaced') t.replaced += row.n;
  else if (row.action === 'reject') {
    t.rejects += row.n;
    const reason = row.reason ?? 'other';
    t.reject_reasons[reason] = (t.reject_reasons[reason] ?? 0) + row.n;
  } else if (row.action === 'escalate') {
    t.escalations += row.n;
    const reason = row.reason ?? 'unspecified';
    t.escalation_reasons[reason] = (t.escalation_reasons[reason] ?? 0) + row.n;
  }
  return t;
}

/** The tally of events, as the store's SQL computes it over rows. */
export function tallyOf(events: readonly ReviewEvent[]): Tally {
  return events.reduce(
    (t, e) => addToTally(t, { action: e.action, reason: e.reason, n: 1, distance_sum: e.edit_distance ?? 0, distance_n: e.edit_distance == null ? 0 : 1, cited: e.cited ? 1 : 0 }),
    emptyTally(),
  );
}

const share = (n: number, of: number) => (of === 0 ? 0 : Number((n / of).toFixed(4)));
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function windowEvidence(t: Tally, window: number, since: Date | null): WindowEvidence {
  return {
    reviews: t.reviews,
    clean_approvals: t.approvals,
    clean_rate: share(t.approvals, t.reviews),
    edit_rate: share(t.edits, t.reviews),
    mean_edit_distance: t.edit_distance_n === 0 ? null : Number((t.edit_distance_sum / t.edit_distance_n).toFixed(2)),
    reject_rate: share(t.rejects, t.reviews),
    reject_reasons: t.reject_reasons,
    escalation_rate: share(t.escalations, t.reviews),
    escalation_reasons: t.escalation_reasons,
    replaced_rate: share(t.replaced, t.reviews),
    source_coverage: share(t.cited, t.reviews),
    window,
    since: iso(since),
  };
}

export function sampleEvidence(t: Tally, sampleWindow: number, since: Date | null): SampleEvidence {
  const strict = Object.fromEntries(STRICT_REASONS.filter((r) => t.reject_reasons[r]).map((r) => [r, t.reject_reasons[r]!]));
  return { reviews: t.reviews, rejects: t.rejects, reject_rate: share(t.rejects, t.reviews), strict_rejects: strict, sample_window: sampleWindow, since: iso(since) };
}

/** Which reviews count for readiness: of drafts not escalated, after `since`, the latest `window`. */
export function windowEvents(events: readonly ReviewEvent[], since: Date | null, window: number): ReviewEvent[] {
  return latest(events.filter((e) => e.decision !== 'escalate' && (!since || e.at > since)), window);
}

/** Which reviews count for demotion: of autopilot replies, after `since`, the latest `sampleWindow`. */
export function sampleEvents(events: readonly ReviewEvent[], since: Date | null, sampleWindow: number): ReviewEvent[] {
  return latest(events.filter((e) => e.decision === 'autopilot' && (!since || e.at > since)), sampleWindow);
}

const latest = (events: ReviewEvent[], n: number) => [...events].sort((a, b) => a.at.getTime() - b.at.getTime()).slice(-n);
