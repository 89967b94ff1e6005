import type { ContentReport, HandoffReport, LowConfidenceReport, ReadinessReport, ReportName, UnansweredReport } from '../reports/report-view';
import { escapeMrkdwn, link, oneLine, percent, plural } from './slack-text';

/**
 * The weekly digest (docs/digest.md) as a Slack-compatible incoming-webhook message: a plain `text`
 * (what notifications and clients without blocks show) and Block Kit `blocks`, one section per report
 * in the order of the week. It summarises the five reports of one week and links to their dashboard
 * pages. Pure: the reports in, the message out.
 */

export interface DigestReports {
  unanswered: UnansweredReport;
  content: ContentReport;
  'low-confidence': LowConfidenceReport;
  handoff: HandoffReport;
  readiness: ReadinessReport;
}

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] }
  | { type: 'divider' };

/** Slack's limits: a header's text, a section's text, the blocks of one message. */
export const HEADER_MAX = 150;
export const SECTION_MAX = 3000;
export const BLOCKS_MAX = 50;
/** items listed per report (clusters, articles, categories) */
export const TOP = 3;
const QUESTION_MAX = 120;

export interface DigestOptions {
  /** draftpilot's public URL (PUBLIC_URL): each section links to its dashboard page */
  dashboardBase?: string;
}

const section = (lines: string[]): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text: fit(lines.join('\n'), SECTION_MAX) } });

/** Whole lines up to the limit (a cut line would break a link or an escape). */
function fit(text: string, max: number): string {
  if (text.length <= max) return text;
  const lines = text.split('\n');
  let out = '';
  for (const line of lines) {
    if (out.length + line.length + 3 > max) return `${out}\n…`;
    out = out ? `${out}\n${line}` : line;
  }
  return out;
}

function reportLink(name: ReportName, week: string, options: DigestOptions): string {
  if (!options.dashboardBase) return '';
  return ` · ${link(`${options.dashboardBase.replace(/\/+$/, '')}/dashboard/reports/${name}?week=${week}`, 'open the report')}`;
}

function unansweredLines(r: UnansweredReport, options: DigestOptions): string[] {
  const head = `*Monday · unanswered*${reportLink('unanswered', r.week, options)}\n${plural(r.escalations, 'escalation')} without an answer (${r.by_reason.missing_source} missing source, ${r.by_reason.low_confidence} low confidence) on ${plural(r.tickets, 'ticket')}, in ${plural(r.clusters_total, 'cluster')}.`;
  const clusters = r.clusters.slice(0, TOP).map((c) => {
    const terms = c.terms.length ? escapeMrkdwn(c.terms.join(', ')) : 'no common words';
    const example = c.examples[0] ? `: “${escapeMrkdwn(oneLine(c.examples[0], QUESTION_MAX))}”` : '';
    const ticket = c.links.find((l) => l.url);
    return `• *${terms}*, ${plural(c.escalations, 'escalation')}${example}${ticket?.url ? ` ${link(ticket.url, 'open a ticket')}` : ''}`;
  });
  return [head, ...clusters];
}

function contentLines(r: ContentReport, options: DigestOptions): string[] {
  const head = `*Tuesday · content*${reportLink('content', r.week, options)}\n${plural(r.reviewed_articles.length, 'article')} behind rejected or edited drafts; ${r.never_cited.total} of ${plural(r.never_cited.stored_articles, 'stored article')} never cited.`;
  const articles = r.reviewed_articles.slice(0, TOP).map((a) => `• ${link(a.url, oneLine(a.title, 80))}: ${a.rejected} rejected, ${a.edited} edited, ${a.replaced} replaced`);
  const titles = r.suggested_articles.slice(0, TOP).map((s) => `• Write “${escapeMrkdwn(oneLine(s.title, 100))}”: asked in ${plural(s.escalations, 'escalation')}`);
  return [head, ...articles, ...titles];
}

function lowConfidenceLines(r: LowConfidenceReport, options: DigestOptions): string[] {
  const ece = r.calibration.ece === null ? 'not enough reviews to measure calibration' : `calibration error ${r.calibration.ece.toFixed(2)} over ${plural(r.calibration.reviews, 'review')}`;
  return [`*Wednesday · low confidence*${reportLink('low-confidence', r.week, options)}\n${plural(r.below_threshold, 'draft')} below confidence ${r.threshold}; ${r.sample.length} to read in the sample; ${ece}.`];
}

function handoffLines(r: HandoffReport, options: DigestOptions): string[] {
  const reply = r.first_reply_seconds.p50 === null ? 'no human reply after a handoff yet' : `first human reply p50 ${duration(r.first_reply_seconds.p50)}, p90 ${duration(r.first_reply_seconds.p90 ?? r.first_reply_seconds.p50)}`;
  const missing = r.missing_marked[0] ? `; most often missing: ${escapeMrkdwn(r.missing_marked[0].field)} (${r.missing_marked[0].count})` : '';
  return [
    `*Thursday · handoff*${reportLink('handoff', r.week, options)}\n${plural(r.handoffs, 'handoff')}; briefs useful ${percent(r.votes.useful_share)} of ${plural(r.votes.answers, 'vote')}; agents asked again ${percent(r.asked_again.share)}; ${reply}${missing}.`,
  ];
}

function readinessLines(r: ReadinessReport, options: DigestOptions): string[] {
  const all = r.tenants.flatMap((t) => t.categories.map((c) => ({ tenant: t.tenant, ...c })));
  const n = (rec: string) => all.filter((c) => c.recommendation === rec);
  const name = (c: (typeof all)[number]) => `${escapeMrkdwn(c.name)}${r.tenants.length > 1 ? ` (${escapeMrkdwn(c.tenant)})` : ''}`;
  const list = (items: typeof all) => items.slice(0, TOP).map(name).join(', ') + (items.length > TOP ? ` and ${items.length - TOP} more` : '');
  const lines = [`*Friday · readiness*${reportLink('readiness', r.week, options)}\n${plural(all.length, 'category', 'categories')}: ${n('promote').length} to promote, ${n('demote').length} to demote, ${n('hold').length} to hold, ${n('stay sensitive').length} sensitive.`];
  if (n('promote').length) lines.push(`• Promote: ${list(n('promote'))}`);
  if (n('demote').length) lines.push(`• Demote: ${list(n('demote'))}`);
  const repeated = all.flatMap((c) => c.repeated_reasons.map((x) => ({ c, ...x }))).sort((a, b) => b.count - a.count);
  if (repeated[0]) lines.push(`• Rejected again and again: ${repeated.slice(0, TOP).map((x) => `${escapeMrkdwn(x.reason)} in ${name(x.c)} (${x.count})`).join(', ')}`);
  return lines;
}

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function digestMessage(reports: DigestReports, options: DigestOptions = {}): SlackMessage {
  const { week } = reports.unanswered;
  const scope = reports.unanswered.tenant ? ` · ${reports.unanswered.tenant}` : '';
  const title = oneLine(`draftpilot weekly digest · ${week}${scope}`, HEADER_MAX);
  const sections = [unansweredLines(reports.unanswered, options), contentLines(reports.content, options), lowConfidenceLines(reports['low-confidence'], options), handoffLines(reports.handoff, options), readinessLines(reports.readiness, options)];
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: title } }];
  for (const lines of sections) blocks.push(section(lines));
  const dates = `${reports.unanswered.from.slice(0, 10)} to ${new Date(new Date(reports.unanswered.to).getTime() - 1).toISOString().slice(0, 10)} (UTC)`;
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Week ${week}, ${dates}${options.dashboardBase ? ` · ${link(`${options.dashboardBase.replace(/\/+$/, '')}/dashboard`, 'dashboard')}` : ''}` }] });
  const promote = reports.readiness.tenants.reduce((s, t) => s + t.recommendations.promote, 0);
  const demote = reports.readiness.tenants.reduce((s, t) => s + t.recommendations.demote, 0);
  const text = `${title}: ${plural(reports.unanswered.escalations, 'unanswered escalation')}, ${plural(reports.handoff.handoffs, 'handoff')}, ${plural(promote, 'category', 'categories')} to promote, ${demote} to demote.`;
  return { text: escapeMrkdwn(text), blocks: blocks.slice(0, BLOCKS_MAX) };
}
