import { escapeHtml as esc } from '../brief/html';
import type { ContentReport, HandoffReport, LowConfidenceReport, ReadinessReport, Report, UnansweredReport } from '../reports/report-view';
import { chartSection, filterForm, Frame, OPERATOR_FRAME, page, percent, table, tenantPicker } from './dashboard-page';

/**
 * The weekly reports as dashboard pages: the same answers as GET /api/reports/:name, drawn as tables
 * (and a calibration chart), with the week and tenant picked in a form. Pure.
 */
export const REPORT_PAGES: { name: string; label: string; day: string }[] = [
  { name: 'unanswered', label: 'Unanswered questions', day: 'Monday' },
  { name: 'content', label: 'Content gaps', day: 'Tuesday' },
  { name: 'low-confidence', label: 'Low-confidence drafts', day: 'Wednesday' },
  { name: 'handoff', label: 'Handoff quality', day: 'Thursday' },
  { name: 'readiness', label: 'Category readiness', day: 'Friday' },
];

export function reportPage(report: Report, tenants: string[], frame: Frame = OPERATOR_FRAME): string {
  const meta = REPORT_PAGES.find((r) => r.name === report.report)!;
  const body = [picker(report, tenants, frame), bodyOf(report)].join('\n');
  return page({ title: `${meta.label}, ${report.week}`, current: `/reports/${report.report}`, body, signedIn: true, frame });
}

function picker(report: Report, tenants: string[], frame: Frame): string {
  return `${filterForm(frame, `/reports/${report.report}`, `<label for="week">ISO week<input id="week" name="week" value="${esc(report.week)}" pattern="\\d{4}-W\\d{2}" size="9"></label>
${tenantPicker(frame, tenants, report.tenant)}`)}
<p>${esc(report.from.slice(0, 10))} to ${esc(report.to.slice(0, 10))} (UTC, the Monday after not included). The same report as JSON: <code>GET /api/reports/${esc(report.report)}?week=${esc(report.week)}</code>.</p>`;
}

function bodyOf(report: Report): string {
  switch (report.report) {
    case 'unanswered':
      return unanswered(report);
    case 'content':
      return content(report);
    case 'low-confidence':
      return lowConfidence(report);
    case 'handoff':
      return handoff(report);
    case 'readiness':
      return readiness(report);
  }
}

const link = (l: { url: string | null; thread_id: string }) => (l.url ? `<a href="${esc(l.url)}" rel="noreferrer">${esc(l.thread_id)}</a>` : esc(l.thread_id));

/** A table whose cells are already HTML (links): the caller escapes every text it puts in. */
function htmlTable(caption: string, head: string[], rows: string[][]): string {
  if (rows.length === 0) return `<p class="empty">${esc(caption)}: none this week.</p>`;
  return `<table><caption>${esc(caption)}</caption><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td>${c}</td>`)).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function section(id: string, heading: string, html: string): string {
  return `<section aria-labelledby="${id}"><h2 id="${id}">${esc(heading)}</h2>${html}</section>`;
}

function unanswered(r: UnansweredReport): string {
  const summary = `<p>${r.escalations} escalations for a missing article or low confidence on ${r.tickets} tickets (${r.by_reason.missing_source} missing_source, ${r.by_reason.low_confidence} low_confidence), in ${r.clusters_total} clusters.</p>`;
  const rows = r.clusters.map((c) => [
    esc(c.terms.join(', ') || '(no shared words)'),
    String(c.escalations),
    String(c.tickets),
    c.examples.map((e) => `<q>${esc(e)}</q>`).join('<br>'),
    c.links.map(link).join(', ') + (c.more_tickets ? ` and ${c.more_tickets} more` : ''),
  ]);
  return section('clusters', 'Questions no article answered', summary + htmlTable('Clusters of similar questions, largest first', ['Shared words', 'Escalations', 'Tickets', 'Examples', 'Tickets'], rows));
}

function content(r: ContentReport): string {
  const reviewed = r.reviewed_articles.map((a) => [
    `<a href="${esc(a.url)}" rel="noreferrer">${esc(a.title)}</a>`,
    String(a.rejected),
    String(a.edited),
    String(a.replaced),
    esc(Object.entries(a.reject_reasons).map(([k, v]) => `${k} ${v}`).join(', ') || '–'),
  ]);
  const never = r.never_cited.articles.map((a) => [`<a href="${esc(a.url)}" rel="noreferrer">${esc(a.title)}</a>`, esc(a.tenant)]);
  const suggested = r.suggested_articles.map((s) => [esc(s.title), String(s.escalations), String(s.tickets), s.examples.map((e) => `<q>${esc(e)}</q>`).join('<br>')]);
  return [
    section('reviewed', 'Articles behind rejected or edited drafts', htmlTable('Articles cited in drafts reviewed this week', ['Article', 'Rejected', 'Edited', 'Replaced', 'Reject reasons'], reviewed)),
    section('suggested', 'Articles to write', htmlTable('Suggested titles, from the unanswered questions', ['Title', 'Escalations', 'Tickets', 'Examples'], suggested)),
    section('never', 'Articles never cited', `<p>${r.never_cited.total} of ${r.never_cited.stored_articles} stored articles were not cited this week.</p>` + htmlTable('Articles never cited this week', ['Article', 'Tenant'], never)),
  ].join('\n');
}

function lowConfidence(r: LowConfidenceReport): string {
  const sample = r.sample.map((s) => [link(s), esc(s.category), esc(s.decision), percent(s.confidence), esc(s.question ?? '–'), esc(s.outcome.action + (s.outcome.reason ? ` (${s.outcome.reason})` : ''))]);
  const buckets = r.calibration.buckets;
  const label = (b: { from: number; to: number }) => `${Math.round(b.from * 100)}–${Math.round(b.to * 100)}%`;
  const calibration = chartSection({
    id: 'calibration',
    heading: 'Calibration of the week',
    note: `Stated confidence against the share of reviewed drafts approved without an edit; expected calibration error ${r.calibration.ece === null ? '–' : r.calibration.ece.toFixed(2)} over ${r.calibration.reviews} reviews.`,
    chart: {
      label: 'Mean stated confidence and clean approval rate per confidence band',
      kind: 'bar',
      share: true,
      x: buckets.map(label),
      series: [
        { name: 'mean confidence', data: buckets.map((b) => b.mean_confidence as number) },
        { name: 'clean approval rate', data: buckets.map((b) => b.clean_rate as number) },
      ],
    },
    table: { caption: 'Calibration per confidence band', head: ['Confidence', 'Reviews', 'Mean confidence', 'Clean approval rate'], rows: buckets.filter((b) => b.reviews > 0).map((b) => [label(b), b.reviews, percent(b.mean_confidence), percent(b.clean_rate)]) },
  });
  return [
    section('sample', 'A sample of low-confidence drafts', `<p>${r.below_threshold} drafts below ${percent(r.threshold)} confidence; ${r.sample_size} sampled across categories and decisions (repeatable for the week).</p>` + htmlTable('Sampled drafts', ['Ticket', 'Category', 'Decision', 'Confidence', 'Question', 'Outcome'], sample)),
    calibration,
  ].join('\n');
}

function handoff(r: HandoffReport): string {
  const share = (n: number | null) => percent(n);
  const summary = table({
    caption: 'Handoffs this week',
    head: ['Measure', 'Value'],
    rows: [
      ['Handoffs (escalated drafts)', r.handoffs],
      ['Brief votes: useful / not useful', `${r.votes.useful} / ${r.votes.not_useful} (${share(r.votes.useful_share)} useful)`],
      ['Agent asked the customer again', `${r.asked_again.asked} of ${r.asked_again.replied} replied (${share(r.asked_again.share)})`],
      ['First human reply, p50', r.first_reply_seconds.p50 === null ? '–' : `${Math.round(r.first_reply_seconds.p50 / 60)} min`],
      ['First human reply, p90', r.first_reply_seconds.p90 === null ? '–' : `${Math.round(r.first_reply_seconds.p90 / 60)} min`],
    ],
  });
  const missing = chartSection({
    id: 'missing',
    heading: 'What agents said the brief was missing',
    chart: { label: 'Brief fields marked missing by agents', kind: 'bar', x: r.missing_marked.map((m) => m.field), series: [{ name: 'marked missing', data: r.missing_marked.map((m) => m.count) }], height: 220 },
    table: { caption: 'Brief fields marked missing', head: ['Field', 'Times'], rows: r.missing_marked.map((m) => [m.field, m.count]) },
  });
  return [section('handoffs', 'Handoff quality', summary), missing].join('\n');
}

function readiness(r: ReadinessReport): string {
  if (r.tenants.length === 0) return '<p class="empty">No tenant had drafts or reviews this week.</p>';
  return r.tenants
    .map((t, i) => {
      const rows = t.categories.map((c) => [
        esc(c.name),
        esc(c.mode),
        `<strong>${esc(c.recommendation)}</strong>`,
        esc(c.why),
        `${percent(c.evidence.clean_rate)} of ${c.evidence.reviews}`,
        `${percent(c.configured_threshold)}${c.suggested_threshold === null ? '' : ` (suggested ${percent(c.suggested_threshold)})`}`,
        esc(c.repeated_reasons.map((x) => `${x.reason} ×${x.count}`).join(', ') || '–'),
      ]);
      const counts = Object.entries(t.recommendations).map(([k, v]) => `${v} ${k}`).join(', ');
      return section(`tenant-${i}`, t.tenant, `<p>${esc(counts)}.</p>` + htmlTable(`Categories of ${t.tenant}`, ['Category', 'Mode', 'Recommendation', 'Why', 'Clean approvals', 'Autopilot threshold', 'Repeated reject reasons'], rows));
    })
    .join('\n');
}
