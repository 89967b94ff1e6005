import type { CategoryWeek, QueueHealth, WeekCount } from './dashboard-queries';
import { chartSection, filterForm, Frame, OPERATOR_FRAME, page, percent, tenantPicker } from './dashboard-page';

/** The overview: decisions, escalation reasons, approval and clean rates per category, queue health. */
export interface OverviewData {
  tenant?: string;
  tenants: string[];
  weeks: number;
  decisions: WeekCount[];
  reasons: WeekCount[];
  categories: CategoryWeek[];
  queue: QueueHealth;
}

const DECISIONS = ['autopilot', 'review', 'escalate'];

export function overviewPage(data: OverviewData, frame: Frame = OPERATOR_FRAME): string {
  const weeks = unique([...data.decisions, ...data.reasons, ...data.categories].map((r) => r.week)).sort();
  const body = [
    filters(data, frame),
    decisionsSection(data.decisions, weeks),
    reasonsSection(data.reasons, weeks),
    rateSection('approval', 'Approval rate per category', 'Share of reviewed drafts approved, as drafted or edited, per category and week', data.categories, weeks, (c) => c.approved),
    rateSection('clean', 'Clean approval rate per category', 'Share of reviewed drafts approved without an edit, per category and week', data.categories, weeks, (c) => c.clean),
    queueSection(data.queue),
  ].join('\n');
  return page({ title: 'Overview', current: '', body, signedIn: true, frame });
}

function filters(data: OverviewData, frame: Frame): string {
  return filterForm(frame, '', `${tenantPicker(frame, data.tenants, data.tenant)}
<label for="weeks">Weeks<input id="weeks" name="weeks" type="number" min="1" max="52" value="${data.weeks}"></label>`);
}

function decisionsSection(rows: WeekCount[], weeks: string[]): string {
  const keys = [...DECISIONS, ...unique(rows.map((r) => r.key)).filter((k) => !DECISIONS.includes(k))];
  const count = (week: string, key: string) => rows.find((r) => r.week === week && r.key === key)?.count ?? 0;
  return chartSection({
    id: 'decisions',
    heading: 'Decision mix',
    chart: { label: 'Drafts per week by decision', kind: 'stacked-bar', x: weeks, series: keys.map((k) => ({ name: k, data: weeks.map((w) => count(w, k)) })) },
    table: { caption: 'Drafts per week by decision', head: ['Week', ...keys, 'Total'], rows: weeksWith(rows, weeks).map((w) => [w, ...keys.map((k) => count(w, k)), keys.reduce((s, k) => s + count(w, k), 0)]) },
  });
}

function reasonsSection(rows: WeekCount[], weeks: string[]): string {
  const keys = unique(rows.map((r) => r.key)).sort();
  const count = (week: string, key: string) => rows.find((r) => r.week === week && r.key === key)?.count ?? 0;
  return chartSection({
    id: 'reasons',
    heading: 'Escalations by reason',
    note: 'A draft escalated for two reasons counts under each.',
    chart: { label: 'Escalations per week by reason', kind: 'stacked-bar', x: weeks, series: keys.map((k) => ({ name: k, data: weeks.map((w) => count(w, k)) })) },
    table: { caption: 'Escalations per week by reason', head: ['Week', ...keys], rows: weeksWith(rows, weeks).map((w) => [w, ...keys.map((k) => count(w, k))]) },
  });
}

function rateSection(id: string, heading: string, label: string, rows: CategoryWeek[], weeks: string[], approved: (c: CategoryWeek) => number): string {
  const categories = unique(rows.map((r) => r.category)).sort();
  const at = (week: string, category: string) => rows.find((r) => r.week === week && r.category === category);
  const share = (week: string, category: string): number | null => {
    const r = at(week, category);
    return r && r.reviews > 0 ? approved(r) / r.reviews : null;
  };
  return chartSection({
    id,
    heading,
    chart: { label, kind: 'line', share: true, x: weeks, series: categories.map((c) => ({ name: c, data: weeks.map((w) => share(w, c) as number) })) },
    table: {
      caption: `${label} (reviews in brackets)`,
      head: ['Category', ...weeksWith(rows, weeks)],
      rows: categories.map((c) => [c, ...weeksWith(rows, weeks).map((w) => (at(w, c) ? `${percent(share(w, c))} (${at(w, c)!.reviews})` : '–'))]),
    },
  });
}

function queueSection(q: QueueHealth): string {
  const statuses = Object.keys(q.byStatus).sort();
  const waited = q.oldestWaitingSeconds === null ? 'nothing is waiting' : `the oldest waiting delivery arrived ${q.oldestWaitingSeconds} s ago`;
  return chartSection({
    id: 'queue',
    heading: 'Queue health',
    note: `Webhook deliveries by status: ${waited}; ${q.failedSince} given up on (dead letters) in this period.`,
    chart: { label: 'Webhook deliveries by status', kind: 'bar', x: statuses, series: [{ name: 'deliveries', data: statuses.map((s) => q.byStatus[s] ?? 0) }], height: 220 },
    table: { caption: 'Webhook deliveries by status', head: ['Status', 'Deliveries'], rows: statuses.map((s) => [s, q.byStatus[s] ?? 0]) },
  });
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** The weeks that have a row, in order (a table shows no empty week; the chart keeps them all). */
function weeksWith(rows: { week: string }[], weeks: string[]): string[] {
  const present = new Set(rows.map((r) => r.week));
  return weeks.filter((w) => present.has(w));
}
