import { Request, Response, Router, urlencoded } from 'express';
import { z } from 'zod';
import { InvalidAppSessionError, mintAppSession, verifyAppSession } from '../apps/app-session';
import { isZendeskAdmin, LoadDeps, openSignedLoad } from '../apps/zendesk/open-load';
import { escapeHtml } from '../brief/html';
import { Frame, page, pageHeaders } from './dashboard-page';
import { DashboardDeps, overviewView, reportView } from './dashboard-views';

/**
 * The dashboard inside Zendesk, as the app's navigation-bar location (apps/zendesk/manifest.json,
 * `nav_bar`). Zendesk's first load is a signed POST (signedUrls): the token is verified with the
 * app's public key and Zendesk is asked whether the user is an admin. An admin gets the overview of
 * their own account and an app session; every page after it is a form POST carrying that session
 * (a cookie would be a third-party cookie in Zendesk's frame). Agents are refused with 403.
 */
export const NAV_BAR_PATH = '/apps/zendesk/dashboard';

export interface NavBarDeps extends LoadDeps {
  dashboard: DashboardDeps;
  session: { secret: string; ttlSeconds: number };
}

const form = z.looseObject({ token: z.string().min(1).max(8192).optional(), session: z.string().min(1).max(4096).optional() });

type Opened = { ok: true; frame: Frame } | { ok: false; status: number; message: string };

function refused(res: Response, status: number, message: string): void {
  res.status(status).type('html').send(page({ title: 'draftpilot dashboard', current: '', body: `<p class="error" role="alert">${escapeHtml(message)}</p>` }));
}

/** The frame of an admin's pages, from Zendesk's signed first load or from the app session posted since. */
async function open(req: Request, d: NavBarDeps): Promise<Opened> {
  const body = form.safeParse(req.body ?? {});
  const fields = body.success ? body.data : {};
  if (fields.session) {
    try {
      const claims = await verifyAppSession(fields.session, d.session.secret, d.now());
      if (claims.provider !== 'zendesk') return { ok: false, status: 401, message: 'this is not a Zendesk app session; open draftpilot from the navigation bar again' };
      if (!claims.admin) return { ok: false, status: 403, message: 'the draftpilot dashboard is for Zendesk admins' };
      return { ok: true, frame: { base: NAV_BAR_PATH, session: fields.session, tenant: claims.tenant } };
    } catch (err) {
      if (!(err instanceof InvalidAppSessionError)) throw err;
      return { ok: false, status: 401, message: `${err.message.replace(/; reload the app.*$/, '')}: open draftpilot from the navigation bar again` };
    }
  }
  const opened = await openSignedLoad(fields.token, d, 'dashboard');
  if (!opened.ok) return opened;
  if (!d.roleOf) return { ok: false, status: 503, message: "the dashboard checks with Zendesk that the user is an admin, and cannot: set Zendesk credentials (ZENDESK_ACCESS_TOKEN, or ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET)" };
  if (!(await isZendeskAdmin(d, opened.load, opened.tenant))) {
    d.logger.info({ tenant: opened.tenant, userId: opened.load.userId }, 'zendesk dashboard: refused to a user Zendesk does not call an admin');
    return { ok: false, status: 403, message: 'the draftpilot dashboard is for Zendesk admins; Zendesk does not report this user as an admin' };
  }
  const session = await mintAppSession({ tenant: opened.tenant, provider: 'zendesk', installationId: opened.load.installationId, agentId: opened.load.userId ?? 'unknown', admin: true }, d.session.secret, d.session.ttlSeconds, d.now());
  return { ok: true, frame: { base: NAV_BAR_PATH, session, tenant: opened.tenant } };
}

export function zendeskNavBarRoutes(d: NavBarDeps): Router {
  const router = Router();
  const parse = urlencoded({ extended: false, limit: '16kb' });
  router.use(NAV_BAR_PATH, pageHeaders);
  router.get([NAV_BAR_PATH, `${NAV_BAR_PATH}/reports/:name`], (_req, res) => refused(res, 401, "open draftpilot from Zendesk's navigation bar: the first load is a signed POST from Zendesk (signedUrls)"));
  router.post(NAV_BAR_PATH, parse, async (req, res) => {
    const opened = await open(req, d);
    if (!opened.ok) return refused(res, opened.status, opened.message);
    const view = await overviewView(d.dashboard, opened.frame, req.body ?? {});
    res.status(view.status).type('html').send(view.html);
  });
  router.post(`${NAV_BAR_PATH}/reports/:name`, parse, async (req, res) => {
    const opened = await open(req, d);
    if (!opened.ok) return refused(res, opened.status, opened.message);
    const view = await reportView(d.dashboard, opened.frame, String(req.params.name), req.body ?? {});
    res.status(view.status).type('html').send(view.html);
  });
  return router;
}
