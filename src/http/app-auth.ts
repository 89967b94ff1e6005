import type { NextFunction, Request, Response } from 'express';
import { AppSessionClaims, InvalidAppSessionError, verifyAppSession } from '../apps/app-session';
import { bearerOf, sameToken } from './bearer';
import { sendError } from './send-error';

/** Who calls a route open to the helpdesk apps: the operator (admin token) or an app session. */
export type Caller = { kind: 'admin' } | { kind: 'app'; session: AppSessionClaims };

export interface AppAuth {
  adminToken?: string | undefined;
  sessionSecret: string;
  now: () => Date;
}

/** The caller of a request that passed adminOrAppSession. */
export function callerOf(res: Response): Caller {
  return res.locals.caller as Caller;
}

/**
 * "Authorization: Bearer <ADMIN_TOKEN>" or "Authorization: Bearer <app session>", nothing else:
 * the caller is left in res.locals (callerOf). Anything else → 401 saying what to send.
 */
export function adminOrAppSession(auth: AppAuth) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const token = bearerOf(req);
    if (!token) {
      sendError(res, 401, 'unauthorized', 'send "Authorization: Bearer <ADMIN_TOKEN>" or the app session the helpdesk app was given');
      return;
    }
    if (auth.adminToken && sameToken(token, auth.adminToken)) {
      res.locals.caller = { kind: 'admin' } satisfies Caller;
      next();
      return;
    }
    try {
      res.locals.caller = { kind: 'app', session: await verifyAppSession(token, auth.sessionSecret, auth.now()) } satisfies Caller;
    } catch (err) {
      if (!(err instanceof InvalidAppSessionError)) throw err;
      // a JWT-shaped token hears why the session was refused; anything else is neither credential
      const message = token.split('.').length === 3 ? err.message : 'neither the admin token nor an app session; send "Authorization: Bearer <ADMIN_TOKEN>" or the app session';
      sendError(res, 401, 'unauthorized', message);
      return;
    }
    next();
  };
}
