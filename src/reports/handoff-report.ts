import type { FeedbackSums, HandoffSums } from './handoff-rows';
import { HandoffReport, ReportScope, scopeHeader } from './report-view';

const share = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);
const seconds = (s: number | null) => (s === null ? null : Math.round(s));

/** The handoff report from the week's sums. Pure. */
export function handoffReport(scope: ReportScope, feedback: FeedbackSums, briefMissing: HandoffReport['missing_in_briefs'], sums: HandoffSums): HandoffReport {
  return {
    report: 'handoff',
    ...scopeHeader(scope),
    handoffs: sums.handoffs,
    votes: { answers: feedback.answers, useful: feedback.useful, not_useful: feedback.answers - feedback.useful, useful_share: share(feedback.useful, feedback.answers) },
    missing_marked: feedback.missing,
    missing_in_briefs: briefMissing,
    asked_again: { replied: sums.replied, asked: sums.asked, share: share(sums.asked, sums.replied) },
    first_reply_seconds: { replied: sums.replied, p50: seconds(sums.p50), p90: seconds(sums.p90) },
  };
}
