import type { ContentReport, HandoffReport, LowConfidenceReport, ReadinessCategory, ReadinessReport, Report, UnansweredReport } from './report-view';

/**
 * A report as text for a person (`npx draftpilot report NAME`; docs/reports.md has examples). Pure.
 * Customer and draft text is cut to one line: the JSON answer (--json) has it whole.
 */

const oneLine = (text: string, max = 100) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
};
const pct = (share: number | null) => (share === null ? '-' : `${Math.round(share * 100)}%`);
const duration = (s: number | null) => {
  if (s === null) return '-';
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
};
const counts = (c: Record<string, number>) =>
  Object.entries(c)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || 'none';

function heading(r: Report, title: string): string[] {
  return [`${title}, week ${r.week} (${r.from.slice(0, 10)} to ${r.to.slice(0, 10)}, UTC), ${r.tenant ?? 'all tenants'}`, ''];
}

function unanswered(r: UnansweredReport): string[] {
  const out = heading(r, 'Unanswered questions');
  out.push(`${r.escalations} escalations for missing_source or low_confidence on ${r.tickets} tickets (${counts(r.by_reason)}), in ${r.clusters_total} clusters`);
  r.clusters.forEach((c, i) => {
    out.push('', `${i + 1}. ${c.terms.length ? c.terms.join(', ') : '(no content words)'}: ${c.escalations} escalations, ${c.tickets} tickets (${counts(c.by_reason)})`);
    for (const q of c.examples) out.push(`   "${oneLine(q)}"`);
    for (const l of c.links) out.push(`   ${l.url ?? `${l.tenant}#${l.thread_id}`}`);
    if (c.more_tickets) out.push(`   … and ${c.more_tickets} more tickets`);
  });
  if (r.clusters_total > r.clusters.length) out.push('', `(${r.clusters_total - r.clusters.length} smaller clusters not shown; --json has the same list)`);
  return out;
}

function content(r: ContentReport): string[] {
  const out = heading(r, 'Help-center content');
  out.push('Articles cited in rejected, edited or replaced drafts:');
  if (!r.reviewed_articles.length) out.push('  none');
  for (const a of r.reviewed_articles) {
    const edits = a.edited ? `, edited ${a.edited} (mean distance ${a.mean_edit_distance === null ? '-' : Math.round(a.mean_edit_distance)})` : '';
    out.push(`  ${a.title} <${a.url}>: rejected ${a.rejected}${a.rejected ? ` (${counts(a.reject_reasons)})` : ''}${edits}${a.replaced ? `, replaced ${a.replaced}` : ''}`);
  }
  out.push('', `Articles no draft cited this week: ${r.never_cited.total} of ${r.never_cited.stored_articles} stored`);
  for (const a of r.never_cited.articles) out.push(`  ${a.title} <${a.url}>`);
  if (r.never_cited.total > r.never_cited.articles.length) out.push(`  … and ${r.never_cited.total - r.never_cited.articles.length} more`);
  out.push('', 'Suggested new articles (from the unanswered questions):');
  if (!r.suggested_articles.length) out.push('  none');
  for (const s of r.suggested_articles) out.push(`  "${s.title}": ${s.escalations} escalations, ${s.tickets} tickets, e.g. "${oneLine(s.examples[0] ?? '', 80)}"`);
  return out;
}

function lowConfidence(r: LowConfidenceReport): string[] {
  const out = heading(r, 'Low-confidence drafts');
  out.push(`${r.below_threshold} drafts below confidence ${r.threshold}; a sample of ${r.sample_size} across ${r.strata.length} category and decision strata (seed ${r.seed})`);
  for (const s of r.strata) out.push(`  ${(s.category || '(none)').padEnd(16)} ${s.decision.padEnd(10)} ${String(s.drafts).padStart(6)} drafts, ${s.sampled} sampled`);
  for (const s of r.sample) {
    const outcome = s.outcome.reason ? `${s.outcome.action} (${s.outcome.reason})` : s.outcome.action;
    out.push('', `${s.draft_id}  ${s.confidence.toFixed(2)}  ${s.category || '(none)'}  ${s.decision}  → ${outcome}`);
    out.push(`  ${s.url ?? `${s.tenant}#${s.thread_id}`}`);
    if (s.question) out.push(`  question: ${oneLine(s.question)}`);
    out.push(`  draft:    ${s.draft === null ? '(none)' : oneLine(s.draft)}`);
  }
  out.push('', `Calibration of the week's ${r.calibration.reviews} reviews (ECE ${r.calibration.ece === null ? '-' : r.calibration.ece.toFixed(3)}):`);
  out.push('  confidence  reviews  mean  clean approvals');
  for (const b of r.calibration.buckets) {
    out.push(`  ${`${b.from.toFixed(1)}–${b.to.toFixed(1)}`.padEnd(10)}  ${String(b.reviews).padStart(7)}  ${b.mean_confidence === null ? '   -' : b.mean_confidence.toFixed(2)}  ${pct(b.clean_rate)}`);
  }
  return out;
}

function handoff(r: HandoffReport): string[] {
  const out = heading(r, 'Handoffs');
  out.push(`${r.handoffs} handoffs (escalated drafts)`);
  out.push(`Was the brief useful? ${r.votes.answers} answers: yes ${r.votes.useful}, no ${r.votes.not_useful} (${pct(r.votes.useful_share)} useful)`);
  out.push(`Missing fields marked by agents: ${r.missing_marked.map((m) => `${m.field} ${m.count}`).join(', ') || 'none'}`);
  out.push(`Missing in the briefs themselves: ${r.missing_in_briefs.map((m) => `${m.field} ${m.count}`).join(', ') || 'none'}`);
  out.push(`Asked the customer again: ${r.asked_again.asked} of ${r.asked_again.replied} answered handoffs (${pct(r.asked_again.share)})`);
  out.push(`First human reply after the handoff: p50 ${duration(r.first_reply_seconds.p50)}, p90 ${duration(r.first_reply_seconds.p90)} (${r.first_reply_seconds.replied} replied)`);
  return out;
}

const threshold = (t: number | null) => (t === null ? '-' : t.toFixed(2));

function readinessCategory(c: ReadinessCategory): string[] {
  const e = c.evidence;
  const out = [`  ${c.id} (${c.name}), ${c.mode}${c.strict ? ', strict' : ''}: ${c.recommendation.toUpperCase()}`, `    ${c.why}`];
  for (const m of c.missing) out.push(`    missing: ${m}`);
  out.push(`    evidence: ${e.reviews} reviews (window ${e.window}${e.since ? ` since ${e.since.slice(0, 10)}` : ''}): clean ${pct(e.clean_rate)}, edited ${pct(e.edit_rate)}, rejected ${pct(e.reject_rate)}, escalated ${pct(e.escalation_rate)}, replaced ${pct(e.replaced_rate)}, with sources ${pct(e.source_coverage)}`);
  if (c.mode === 'autopilot') out.push(`    sampled autopilot replies: ${c.autopilot_samples.rejects} of ${c.autopilot_samples.reviews} rejected (max_reject_rate ${c.policy.max_reject_rate})`);
  out.push(`    autopilot threshold: configured ${threshold(c.configured_threshold)}, suggested ${threshold(c.suggested_threshold)} (calibration over ${c.calibration.reviews} reviews, ECE ${c.calibration.ece === null ? '-' : c.calibration.ece.toFixed(3)})`);
  const w = c.week;
  out.push(w ? `    this week: ${w.volume} drafts (${w.autopilot} autopilot), ${w.reviews} reviews: clean ${pct(w.clean_rate)}, rejected ${pct(w.reject_rate)} (${counts(w.reject_reasons)})` : '    this week: no drafts or reviews');
  if (c.repeated_reasons.length) out.push(`    repeated rejection reasons: ${c.repeated_reasons.map((x) => `${x.reason} ${x.count}`).join(', ')}`);
  return out;
}

function readiness(r: ReadinessReport): string[] {
  const out = heading(r, 'Category readiness');
  out.push(`A rejection reason repeats at ${r.repeated_reason_threshold} or more in one category in the week.`);
  if (!r.tenants.length) out.push('', 'No tenant had drafts or reviews this week.');
  for (const t of r.tenants) {
    out.push('', `${t.tenant}: ${counts(t.recommendations)}`);
    for (const c of t.categories) out.push(...readinessCategory(c));
  }
  return out;
}

const formatters: { [K in Report['report']]: (r: Extract<Report, { report: K }>) => string[] } = {
  unanswered,
  content,
  'low-confidence': lowConfidence,
  handoff,
  readiness,
};

export function formatReport(r: Report): string {
  const format = formatters[r.report] as (r: Report) => string[];
  return `${format(r).join('\n')}\n`;
}
