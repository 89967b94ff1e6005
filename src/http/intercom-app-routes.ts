import { raw, Request, Response, Router } from 'express';
import type { z } from 'zod';
import { describe } from '../domain/errors';
import { zodMessage } from '../domain/zod-message';
import { canvasInitializeSchema, canvasSubmitSchema } from '../edge/intercom/canvas-request';
import { verifyCanvasSignature } from '../edge/intercom/canvas-signature';
import type { IntercomAppDeps } from '../intercom-app/app-deps';
import { canvasOf } from '../intercom-app/canvas-schema';
import { contextOf, initializeCanvas, submitCanvas } from '../intercom-app/handle-canvas';
import { problemCanvas } from '../intercom-app/review-canvas';
import { sendError } from './send-error';

export const INTERCOM_INITIALIZE_PATH = '/apps/intercom/initialize';
export const INTERCOM_SUBMIT_PATH = '/apps/intercom/submit';

export interface IntercomAppRoutesOptions {
  /** INTERCOM_CLIENT_SECRETS: the app's client secret (several during a rotation) */
  secrets: readonly string[];
  /** INTERCOM_SETTINGS_ADMIN_IDS: the teammates who see the settings canvas */
  settingsAdminIds: readonly string[];
  maxBodyBytes: number;
  deps: IntercomAppDeps;
}

/**
 * The Intercom inbox app's Canvas Kit URLs. Each request is verified on its raw bytes before anything
 * is parsed (X-Body-Signature; forged or missing: 401 and nothing read or written), then validated,
 * then answered 200 with a canvas. A failure inside draftpilot is shown as a canvas too: Intercom
 * shows a blank app for anything else.
 */
export function intercomAppRoutes(options: IntercomAppRoutesOptions): Router {
  const router = Router();
  const admins = new Set(options.settingsAdminIds);
  const body = raw({ type: () => true, limit: options.maxBodyBytes, inflate: false });

  const handle = <S extends typeof canvasInitializeSchema | typeof canvasSubmitSchema>(schema: S, answer: (request: z.infer<S>) => Promise<unknown>) =>
    async (req: Request, res: Response): Promise<void> => {
      res.set('Cache-Control', 'no-store');
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const verified = verifyCanvasSignature(rawBody, req.headers, options.secrets);
      if (!verified.ok) {
        sendError(res, verified.code === 'not_configured' ? 503 : 401, verified.code, verified.message);
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(rawBody.toString('utf8'));
      } catch {
        sendError(res, 400, 'invalid_json', 'the body is not JSON');
        return;
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        sendError(res, 400, 'schema_mismatch', `expected an Intercom Canvas Kit request: ${zodMessage(parsed.error)}`);
        return;
      }
      try {
        res.status(200).json(await answer(parsed.data as z.infer<S>));
      } catch (err) {
        options.deps.logger.error({ err: describe(err), path: req.path }, 'inbox app request failed');
        res.status(200).json(canvasOf(problemCanvas('draftpilot could not answer just now. Try again in a moment.')));
      }
    };

  router.post(INTERCOM_INITIALIZE_PATH, body, handle(canvasInitializeSchema, (r) => initializeCanvas(options.deps, contextOf(r, admins))));
  router.post(INTERCOM_SUBMIT_PATH, body, handle(canvasSubmitSchema, (r) => submitCanvas(options.deps, contextOf(r, admins), r as z.infer<typeof canvasSubmitSchema>)));
  return router;
}
