import path from 'node:path';
import express, { Request, Response, Router, urlencoded } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { AppSessionClaims, InvalidAppSessionError, mintAppSession, verifyAppSession } from '../apps/app-session';
import { isZendeskAdmin, LoadDeps, openSignedLoad } from '../apps/zendesk/open-load';
import { refusedPage, SIDEBAR_ASSETS, sidebarPage } from '../apps/zendesk/sidebar-page';
import type { SettingsState } from '../apps/zendesk/sync-settings';
import { latestDraftOfThread } from '../drafting/draft-store';
import { draftDetail, sampleView } from '../drafting/draft-view';
import { sampleForDraft } from '../sampling/sample-store';
import { BRIEF_FIELDS, REJECT_REASONS } from '../reviews/review-input';
import { briefFeedbackForDraft, reviewsForDraft } from '../reviews/review-store';
import type { Database } from '../store/schema';
import { CategoryNotFoundError, demoteCategory, LifecycleDeps, promoteCategory } from '../lifecycle/category-lifecycle';
import { listCategoryStatus } from '../lifecycle/category-status';
import { bearerOf } from './bearer';
import { sendError } from './send-error';

export const SIDEBAR_PATH = '/apps/zendesk/sidebar';

/** The signed load's needs (unset ZENDESK_APP_ID: the sidebar answers 503), and the sidebar's own. */
export interface ZendeskAppRoutesOptions extends LoadDeps {
  db: Kysely<Database>;
  session: { secret: string; ttlSeconds: number };
  /** ZENDESK_ESCALATION_GROUP_ID, used when the installation names none */
  escalationGroupId: string | undefined;
  /** reads the installation's settings and applies them to the tenant; absent without Zendesk credentials */
  syncSettings?: (tenant: string, installationId: string) => Promise<SettingsState>;
  /** the category lifecycle: admins see and change category modes from the sidebar */
  lifecycle?: LifecycleDeps;
  /** the folder of sidebar.js and sidebar.css (apps/zendesk/sidebar by default) */
  assetsDir?: string;
}

const ticketId = z.string().regex(/^\d{1,20}$/, 'a Zendesk ticket id is a number');
const loadForm = z.object({ token: z.string().min(1).max(8192) }).loose();

/**
 * The Zendesk sidebar app's server side: the signed first load (POST /apps/zendesk/sidebar), the
 * page's script and style, and the ticket's latest draft with its reviews for the page (session auth).
 * Reviews and brief feedback go to POST /api/reviews and POST /api/drafts/:id/brief-feedback.
 */
export function zendeskAppRoutes(o: ZendeskAppRoutesOptions): Router {
  const router = Router();
  const assets = o.assetsDir ?? path.resolve('apps/zendesk/sidebar');
  router.use(SIDEBAR_ASSETS, express.static(assets, { index: false, fallthrough: false, maxAge: '5m' }));

  const refuse = (res: Response, status: number, message: string) => {
    res.status(status).type('html').set('Cache-Control', 'no-store').send(refusedPage(message));
  };

  router.get(SIDEBAR_PATH, (_req, res) => refuse(res, 401, 'open draftpilot from a ticket in Zendesk: the first load is a signed POST from Zendesk (signedUrls)'));

  router.post(SIDEBAR_PATH, urlencoded({ extended: false, limit: '16kb' }), async (req: Request, res: Response) => {
    const form = loadForm.safeParse(req.body ?? {});
    const opened = await openSignedLoad(form.success ? form.data.token : undefined, o, 'sidebar');
    if (!opened.ok) {
      refuse(res, opened.status, opened.message);
      return;
    }
    const { load, tenant } = opened;
    let state: SettingsState = { errors: null, escalationGroupId: o.escalationGroupId ?? null, note: null };
    if (o.syncSettings) {
      try {
        state = await o.syncSettings(tenant, load.installationId);
      } catch (err) {
        o.logger.warn({ tenant, err: (err as Error).message }, 'zendesk sidebar: the installation settings could not be read; the last good ones stay');
        state = { ...state, note: `the installation's settings could not be read (${(err as Error).message}); the last good configuration stays` };
      }
    }
    // Whether the agent is an admin is Zendesk's answer, read here once and carried in the session:
    // admin actions (promoting a category) are refused to a session without it.
    const admin = await isZendeskAdmin(o, load, tenant);
    const session = await mintAppSession(
      { tenant, provider: 'zendesk', installationId: load.installationId, agentId: load.userId ?? 'unknown', ...(admin ? { admin } : {}) },
      o.session.secret,
      o.session.ttlSeconds,
      o.now(),
    );
    res
      .status(200)
      .type('html')
      .set('Cache-Control', 'no-store')
      .send(
        sidebarPage({
          session,
          tenant,
          agentId: load.userId ?? null,
          admin,
          escalationGroupId: state.escalationGroupId,
          settingsErrors: state.errors,
          settingsNote: state.note,
          rejectReasons: REJECT_REASONS,
          briefFields: BRIEF_FIELDS,
        }),
      );
  });

  router.get('/apps/zendesk/tickets/:id/draft', async (req, res) => {
    const claims = await sessionOf(req, res, o);
    if (!claims) return;
    const id = ticketId.safeParse(req.params.id);
    if (!id.success) {
      sendError(res, 400, 'invalid_ticket_id', `"${String(req.params.id).slice(0, 40)}" is not a ticket id: ${id.error.issues[0]?.message ?? 'malformed'}`);
      return;
    }
    const row = await latestDraftOfThread(o.db, { tenant: claims.tenant, provider: 'zendesk', threadId: id.data });
    if (!row) {
      res.json({ draft: null, reviews: [], brief_feedback: [] });
      return;
    }
    const [reviews, briefFeedback, sample] = await Promise.all([reviewsForDraft(o.db, row.id), briefFeedbackForDraft(o.db, row.id), sampleForDraft(o.db, row.id)]);
    const detail = draftDetail(row, [], { reviews, briefFeedback, sample: sample ? sampleView(sample) : null });
    res.set('Cache-Control', 'no-store').json({
      draft: {
        id: detail.id,
        ticket_id: detail.thread_id,
        decision: detail.decision,
        reasons: detail.reasons,
        category: detail.category,
        confidence: detail.confidence,
        draft: detail.draft,
        brief: detail.brief,
        sources: detail.sources,
        created_at: detail.created_at,
        superseded_by: detail.superseded_by,
        sampled: detail.sampled,
      },
      reviews,
      brief_feedback: briefFeedback,
    });
  });
  // An admin's view of the categories (mode, readiness, evidence, notices) and the two actions on them.
  // The session says whether Zendesk called the user an admin; nobody else gets these.
  router.get('/apps/zendesk/categories', async (req, res) => {
    const claims = await adminSessionOf(req, res, o);
    if (!claims || !o.lifecycle) return;
    res.set('Cache-Control', 'no-store').json(await listCategoryStatus(o.lifecycle, claims.tenant));
  });
  router.post('/apps/zendesk/categories/:id/:action', async (req, res) => {
    const claims = await adminSessionOf(req, res, o);
    if (!claims || !o.lifecycle) return;
    const id = categoryId.safeParse(req.params.id);
    const action = modeAction.safeParse(req.params.action);
    if (!id.success || !action.success) {
      sendError(res, 404, 'not_found', `no route for POST ${req.path}: use /apps/zendesk/categories/<category id>/promote or /demote`);
      return;
    }
    const admin = { id: claims.agentId, ...(claims.agentName ? { name: claims.agentName } : {}) };
    try {
      if (action.data === 'promote') {
        const result = await promoteCategory(o.lifecycle, claims.tenant, id.data, admin);
        if (!result.ok) {
          res.status(409).json({ error: result.error, message: result.error === 'sensitive' ? 'a sensitive category stays in review' : `not ready: ${result.missing.join('; ')}`, missing: result.missing, evidence: result.evidence });
          return;
        }
        res.json({ category: id.data, mode: result.mode, changed: result.changed });
      } else {
        const result = await demoteCategory(o.lifecycle, claims.tenant, id.data, admin);
        res.json({ category: id.data, mode: result.mode, changed: result.changed });
      }
    } catch (err) {
      if (!(err instanceof CategoryNotFoundError)) throw err;
      sendError(res, 404, err.code, err.message);
    }
  });
  return router;
}

const categoryId = z.string().regex(/^[a-z0-9_-]+$/);
const modeAction = z.enum(['promote', 'demote']);

/** A Zendesk app session whose user Zendesk called an admin; 401 without a session, 403 for an agent's. */
async function adminSessionOf(req: Request, res: Response, o: ZendeskAppRoutesOptions): Promise<AppSessionClaims | undefined> {
  const claims = await sessionOf(req, res, o);
  if (!claims) return undefined;
  if (!claims.admin) {
    sendError(res, 403, 'admin_only', 'only a Zendesk admin can see and change category modes; Zendesk did not report this user as an admin');
    return undefined;
  }
  if (!o.lifecycle) {
    sendError(res, 503, 'lifecycle_unavailable', 'the category lifecycle is not running in this process');
    return undefined;
  }
  return claims;
}

async function sessionOf(req: Request, res: Response, o: ZendeskAppRoutesOptions): Promise<AppSessionClaims | undefined> {
  const token = bearerOf(req);
  if (!token) {
    sendError(res, 401, 'session_missing', 'send the session the sidebar was loaded with as "Authorization: Bearer <session>"; reload the app to get one');
    return undefined;
  }
  try {
    const claims = await verifyAppSession(token, o.session.secret, o.now());
    if (claims.provider !== 'zendesk') throw new InvalidAppSessionError('not a Zendesk app session');
    return claims;
  } catch (err) {
    if (!(err instanceof InvalidAppSessionError)) throw err;
    sendError(res, 401, err.code, err.message);
    return undefined;
  }
}
