import { z } from 'zod';
import { escapeHtml } from '../brief/html';
import { weekStart } from '../domain/iso-week';
import { tenantSchema } from '../domain/tenant';
import { zodMessage } from '../domain/zod-message';
import { buildReport } from '../reports/build-report';
import { reportQuerySchema } from '../reports/report-query';
import { isReportName } from '../reports/report-view';
import { Frame, page, pageLink } from './dashboard-page';
import { categoryWeeks, decisionMix, escalationsByReason, queueHealth, tenantsWithDrafts } from './dashboard-queries';
import type { Kysely } from 'kysely';
import type { Settings } from '../config/settings';
import type { ServiceDefaults } from '../settings/effective-settings';
import type { Database } from '../store/schema';
import { overviewPage } from './overview-page';
import { reportPage, REPORT_PAGES } from './report-pages';

/**
 * The dashboard's pages from a query (the URL's for an operator, the posted form's inside Zendesk),
 * for a frame (src/dashboard/dashboard-page.ts): the status and the HTML. A frame with a tenant shows
 * that tenant only, whatever the query says.
 */
export interface DashboardDeps {
  db: Kysely<Database>;
  adminToken?: string;
  /** signs the session cookie (the app session secret) */
  secret: string;
  sessionTtlSeconds: number;
  now: () => Date;
  /** the service's settings under the tenants' own (the reports' thresholds) */
  defaults: () => ServiceDefaults;
  /** the lifecycle's settings (the readiness report) */
  lifecycle: Settings['lifecycle'];
  /** connections a report may read on at once (ReportContext.readers) */
  reportReaders?: number;
}

export interface View {
  status: number;
  html: string;
}

const overviewQuery = z.object({
  // the tenant picker sends "" for all tenants
  tenant: z.preprocess((t) => (t === '' ? undefined : t), tenantSchema.optional()),
  weeks: z.coerce.number().int('weeks must be a whole number').min(1, 'weeks must be from 1 to 52').max(52, 'weeks must be from 1 to 52').default(8),
});

/** The query's fields the page reads: a form's "session" and empty fields are not part of it. */
const fieldsOf = (raw: Record<string, unknown>, keys: readonly string[]) => Object.fromEntries(Object.entries(raw).filter(([k, v]) => keys.includes(k) && v !== ''));

const errorView = (frame: Frame, status: number, title: string, current: string, message: string, back: string): View => ({
  status,
  html: page({ title, current, signedIn: true, frame, body: `<p class="error" role="alert">${escapeHtml(message)}</p><p>${pageLink(frame, current, back)}</p>` }),
});

export async function overviewView(deps: DashboardDeps, frame: Frame, raw: Record<string, unknown>): Promise<View> {
  const query = overviewQuery.safeParse(fieldsOf(raw, ['tenant', 'weeks']));
  if (!query.success) return errorView(frame, 422, 'Overview', '', zodMessage(query.error), 'Show the default view');
  const tenant = frame.tenant ?? query.data.tenant;
  const { weeks } = query.data;
  const now = deps.now();
  const scope = { since: weekStart(now, weeks - 1), ...(tenant ? { tenant } : {}) };
  const [tenants, decisions, reasons, categories, queue] = await Promise.all([
    frame.tenant ? Promise.resolve([frame.tenant]) : tenantsWithDrafts(deps.db),
    decisionMix(deps.db, scope),
    escalationsByReason(deps.db, scope),
    categoryWeeks(deps.db, scope),
    queueHealth(deps.db, scope, now),
  ]);
  return { status: 200, html: overviewPage({ ...(tenant ? { tenant } : {}), tenants, weeks, decisions, reasons, categories, queue }, frame) };
}

export async function reportView(deps: DashboardDeps, frame: Frame, name: string, raw: Record<string, unknown>): Promise<View> {
  if (!isReportName(name)) {
    const links = REPORT_PAGES.map((r) => pageLink(frame, `/reports/${r.name}`, r.label)).join(', ');
    return { status: 404, html: page({ title: 'No such report', current: '', signedIn: true, frame, body: `<p class="error" role="alert">There is no report "${escapeHtml(name.slice(0, 60))}". The reports: ${links}.</p>` }) };
  }
  const query = reportQuerySchema.safeParse(fieldsOf(raw, frame.tenant ? ['week'] : ['week', 'tenant']));
  if (!query.success) return errorView(frame, 422, 'Report', `/reports/${name}`, zodMessage(query.error), 'Show this week');
  const tenant = frame.tenant ?? query.data.tenant;
  const ctx = { db: deps.db, defaults: deps.defaults, now: deps.now, lifecycle: deps.lifecycle, ...(deps.reportReaders ? { readers: deps.reportReaders } : {}) };
  const [report, tenants] = await Promise.all([
    buildReport(ctx, name, { ...(query.data.week ? { week: query.data.week } : {}), ...(tenant ? { tenant } : {}) }),
    frame.tenant ? Promise.resolve([frame.tenant]) : tenantsWithDrafts(deps.db),
  ]);
  return { status: 200, html: reportPage(report, tenants, frame) };
}
