import { NextFunction, Request, Response, Router, urlencoded } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../store/schema';
import { bearerOf, sameToken } from '../http/bearer';
import { zodMessage } from '../domain/zod-message';
import { escapeHtml } from '../brief/html';
import { weekStart } from '../domain/iso-week';
import { tenantSchema } from '../domain/tenant';
import { cookieOf, mintDashboardSession, sessionCookie, validDashboardSession } from './dashboard-session';
import { loginPage, page } from './dashboard-page';
import { categoryWeeks, decisionMix, escalationsByReason, queueHealth, tenantsWithDrafts } from './dashboard-queries';
import { overviewPage } from './overview-page';
import { reportPage, REPORT_PAGES } from './report-pages';
import { buildReport } from '../reports/build-report';
import { isReportName } from '../reports/report-view';
import type { Settings } from '../config/settings';
import { reportQuerySchema } from '../reports/report-query';
import type { ServiceDefaults } from '../settings/effective-settings';

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
}

/**
 * Server-rendered pages under /dashboard for admins: signed in with the ADMIN_TOKEN through a form
 * (a session cookie) or sent it as a bearer token. A page asked for without either redirects to the
 * login form. The pages carry no script: charts are SVG drawn on the server.
 */
export function dashboardRoutes(deps: DashboardDeps): Router {
  const router = Router();
  router.use('/dashboard', (_req, res, next) => {
    res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'self' https://*.zendesk.com; base-uri 'none'");
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('cache-control', 'no-store');
    res.setHeader('referrer-policy', 'same-origin');
    next();
  });

  router.get('/dashboard/login', (req, res) => {
    res.type('html').send(loginPage({ next: safeNext(req.query.next), ...(deps.adminToken ? {} : { error: 'The dashboard is off: set ADMIN_TOKEN to use it.' }) }));
  });
  router.post('/dashboard/login', urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const form = loginForm.safeParse(req.body ?? {});
    const next = safeNext(form.success ? form.data.next : undefined);
    if (!deps.adminToken) {
      res.status(401).type('html').send(loginPage({ next, error: 'The dashboard is off: set ADMIN_TOKEN to use it.' }));
      return;
    }
    if (!form.success) {
      res.status(422).type('html').send(loginPage({ next, error: zodMessage(form.error) }));
      return;
    }
    if (!sameToken(form.data.token, deps.adminToken)) {
      res.status(401).type('html').send(loginPage({ next, error: 'That is not the admin token (ADMIN_TOKEN). Try again.' }));
      return;
    }
    const session = await mintDashboardSession(deps.secret, deps.sessionTtlSeconds, deps.now());
    res.setHeader('set-cookie', sessionCookie(session, deps.sessionTtlSeconds));
    res.redirect(303, next);
  });
  router.post('/dashboard/logout', (_req, res) => {
    res.setHeader('set-cookie', sessionCookie('', 0));
    res.redirect(303, '/dashboard/login');
  });

  router.use('/dashboard', requireDashboardAdmin(deps));
  router.get('/dashboard', async (req, res) => {
    const query = overviewQuery.safeParse(req.query);
    if (!query.success) {
      res.status(422).type('html').send(page({ title: 'Overview', current: '/dashboard', signedIn: true, body: `<p class="error" role="alert">${escapeHtml(zodMessage(query.error))}</p><p><a href="/dashboard">Show the default view</a></p>` }));
      return;
    }
    const { tenant, weeks } = query.data;
    const now = deps.now();
    const scope = { since: weekStart(now, weeks - 1), ...(tenant ? { tenant } : {}) };
    const [tenants, decisions, reasons, categories, queue] = await Promise.all([
      tenantsWithDrafts(deps.db),
      decisionMix(deps.db, scope),
      escalationsByReason(deps.db, scope),
      categoryWeeks(deps.db, scope),
      queueHealth(deps.db, scope, now),
    ]);
    res.type('html').send(overviewPage({ ...(tenant ? { tenant } : {}), tenants, weeks, decisions, reasons, categories, queue }));
  });
  router.get('/dashboard/reports/:name', async (req, res) => {
    const name = String(req.params.name);
    if (!isReportName(name)) {
      res.status(404).type('html').send(page({ title: 'No such report', current: '', signedIn: true, body: `<p class="error" role="alert">There is no report "${escapeHtml(name.slice(0, 60))}". The reports: ${REPORT_PAGES.map((r) => `<a href="/dashboard/reports/${r.name}">${escapeHtml(r.label)}</a>`).join(', ')}.</p>` }));
      return;
    }
    const raw = Object.fromEntries(Object.entries(req.query).filter(([, v]) => v !== ''));
    const query = reportQuerySchema.safeParse(raw);
    if (!query.success) {
      res.status(422).type('html').send(page({ title: 'Report', current: `/dashboard/reports/${name}`, signedIn: true, body: `<p class="error" role="alert">${escapeHtml(zodMessage(query.error))}</p><p><a href="/dashboard/reports/${name}">Show this week</a></p>` }));
      return;
    }
    const ctx = { db: deps.db, defaults: deps.defaults, now: deps.now, lifecycle: deps.lifecycle };
    const [report, tenants] = await Promise.all([buildReport(ctx, name, { ...(query.data.week ? { week: query.data.week } : {}), ...(query.data.tenant ? { tenant: query.data.tenant } : {}) }), tenantsWithDrafts(deps.db)]);
    res.type('html').send(reportPage(report, tenants));
  });
  return router;
}

const loginForm = z.object({ token: z.string().min(1, 'enter the admin token').max(512), next: z.string().max(512).optional() });

const overviewQuery = z.object({
  // the tenant picker sends "" for all tenants
  tenant: z.preprocess((t) => (t === '' ? undefined : t), tenantSchema.optional()),
  weeks: z.coerce.number().int('weeks must be a whole number').min(1, 'weeks must be from 1 to 52').max(52, 'weeks must be from 1 to 52').default(8),
});

/** Pages need a signed-in admin (the cookie) or the admin token as a bearer; others go to the login form. */
function requireDashboardAdmin(deps: DashboardDeps) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (deps.adminToken && sameToken(bearerOf(req), deps.adminToken)) return next();
    if (deps.adminToken && (await validDashboardSession(cookieOf(req.headers.cookie), deps.secret, deps.now()))) return next();
    if (bearerOf(req)) {
      res.status(401).type('html').send(loginPage({ next: '/dashboard', error: 'That bearer token is not the admin token.' }));
      return;
    }
    res.redirect(303, `/dashboard/login?next=${encodeURIComponent(req.originalUrl)}`);
  };
}

/** Where to go after signing in: a dashboard path only (never another site). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/dashboard(\/[\w\-/]*)?(\?[\w\-=&%:.]*)?$/.test(next) ? next : '/dashboard';
}

