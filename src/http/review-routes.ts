import { json, Response, Router } from 'express';
import type { Kysely } from 'kysely';
import { draftIdParam } from './draft-id-param';
import { zodMessage } from '../domain/zod-message';
import { AfterRecord, DraftNotFoundError, recordBriefFeedback, recordReview } from '../reviews/record-review';
import { briefFeedbackInputSchema, ReviewAgent, reviewInputSchema, ReviewSource } from '../reviews/review-input';
import { briefFeedbackForDraft, draftToReview, reviewsForDraft } from '../reviews/review-store';
import type { Database } from '../store/schema';
import { AppAuth, adminOrAppSession, Caller, callerOf } from './app-auth';
import { sendError } from './send-error';

/** A session's own helpdesk; the admin token records `api`. */
function sourceOf(caller: Caller): ReviewSource {
  return caller.kind === 'admin' ? 'api' : caller.session.provider === 'zendesk' ? 'zendesk_app' : 'intercom_app';
}

/**
 * The agent recorded: with a session, the session's agent (an agent records reviews as themself:
 * another agent id in the body → 403), the body's name when it gives one.
 */
function agentOf(caller: Caller, agent: ReviewAgent, res: Response): ReviewAgent | undefined {
  if (caller.kind === 'admin') return agent;
  const { agentId, agentName } = caller.session;
  if (agent.id !== agentId) {
    sendError(res, 403, 'agent_mismatch', `agent.id ${agent.id} is not the agent of this app session (${agentId}); an agent records their own reviews`);
    return undefined;
  }
  const name = agent.name ?? agentName;
  return { id: agentId, ...(name ? { name } : {}) };
}

/** 201 with what was stored, or 404 when the draft is not there (or not the session's tenant's). */
async function answerStored(res: Response, store: () => Promise<unknown>): Promise<void> {
  try {
    res.status(201).json(await store());
  } catch (err) {
    if (!(err instanceof DraftNotFoundError)) throw err;
    sendError(res, 404, err.code, err.message);
  }
}

const scope = (caller: Caller) => ({ source: sourceOf(caller), ...(caller.kind === 'app' ? { tenant: caller.session.tenant } : {}) });

/**
 * Reviews and brief feedback (docs/contracts.md, Reviews): open to the admin token and to the
 * helpdesk apps' sessions, which only reach their own tenant's drafts.
 */
export function reviewRoutes(db: Kysely<Database>, auth: AppAuth, afterRecord?: AfterRecord): Router {
  const router = Router();
  const authenticate = adminOrAppSession(auth);

  router.post('/reviews', authenticate, json({ limit: '256kb' }), async (req, res) => {
    const input = reviewInputSchema.safeParse(req.body ?? {});
    if (!input.success) {
      sendError(res, 422, 'invalid_review', zodMessage(input.error));
      return;
    }
    const caller = callerOf(res);
    const agent = agentOf(caller, input.data.agent, res);
    if (!agent) return;
    await answerStored(res, () => recordReview(db, { ...input.data, agent }, { ...scope(caller), now: auth.now(), ...(afterRecord ? { afterRecord } : {}) }));
  });

  router.post('/drafts/:id/brief-feedback', authenticate, json({ limit: '16kb' }), async (req, res) => {
    const id = draftIdParam(req, res);
    if (!id) return;
    const input = briefFeedbackInputSchema.safeParse(req.body ?? {});
    if (!input.success) {
      sendError(res, 422, 'invalid_brief_feedback', zodMessage(input.error));
      return;
    }
    const caller = callerOf(res);
    const agent = agentOf(caller, input.data.agent, res);
    if (!agent) return;
    await answerStored(res, () => recordBriefFeedback(db, id, { ...input.data, agent }, { ...scope(caller), now: auth.now() }));
  });
  /** What agents did with a draft so far: an app shows it, so the second agent on a thread sees the first's action. */
  router.get('/drafts/:id/reviews', authenticate, async (req, res) => {
    const id = draftIdParam(req, res);
    if (!id) return;
    const caller = callerOf(res);
    const draft = await draftToReview(db, id);
    if (!draft || (caller.kind === 'app' && draft.tenant !== caller.session.tenant)) {
      const missing = new DraftNotFoundError(id);
      sendError(res, 404, missing.code, missing.message);
      return;
    }
    const [reviews, briefFeedback] = await Promise.all([reviewsForDraft(db, draft.id), briefFeedbackForDraft(db, draft.id)]);
    res.json({ draft_id: draft.id, reviews, brief_feedback: briefFeedback });
  });
  return router;
}
