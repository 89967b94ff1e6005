import { NextFunction, Request, Response, Router, urlencoded } from 'express';
import { z } from 'zod';
import { bearerOf, sameToken } from '../http/bearer';
import { zodMessage } from '../domain/zod-message';
import { cookieOf, mintDashboardSession, sessionCookie, validDashboardSession } from './dashboard-session';
import { loginPage, OPERATOR_FRAME, pageHeaders } from './dashboard-page';
import { DashboardDeps, overviewView, reportView } from './dashboard-views';

export type { DashboardDeps };

/**
 * Server-rendered pages under /dashboard for admins: signed in with the ADMIN_TOKEN through a form
 * (a session cookie) or sent it as a bearer token. A page asked for without either redirects to the
 * login form. The pages carry no script: charts are SVG drawn on the server.
 */
export function dashboardRoutes(deps: DashboardDeps): Router {
  const router = Router();
  router.use('/dashboard', pageHeaders);

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
    const view = await overviewView(deps, OPERATOR_FRAME, req.query);
    res.status(view.status).type('html').send(view.html);
  });
  router.get('/dashboard/reports/:name', async (req, res) => {
    const view = await reportView(deps, OPERATOR_FRAME, String(req.params.name), req.query);
    res.status(view.status).type('html').send(view.html);
  });
  return router;
}

const loginForm = z.object({ token: z.string().min(1, 'enter the admin token').max(512), next: z.string().max(512).optional() });

/** Pages need a signed-in admin (the cookie) or the admin token as a bearer; others go to the login form. */
export function requireDashboardAdmin(deps: DashboardDeps) {
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

