import { Request, Response, Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { saveInstall } from '../accounts/account-rows';
import { intercomTenant } from '../domain/tenant';
import { intercomAccess } from '../helpdesk/access';
import { getJson } from '../helpdesk/fetch-json';
import { exchangeIntercomCode, intercomAuthorizationUrl } from '../helpdesk/intercom/intercom-oauth';
import { OauthInstallError, signInstallState, stateKeyFrom, verifyInstallState } from '../helpdesk/zendesk/oauth-install';
import { MemoryStateUses, StateUses } from '../helpdesk/zendesk/state-uses';
import { TokenCipher, TokenCipherError } from '../helpdesk/zendesk/token-cipher';
import type { StoredTokens, TokenStore } from '../helpdesk/zendesk/token-store';
import type { Logger } from '../logger';
import type { Database } from '../store/schema';
import { installedPage, queryValue } from './install-page';
import { sendError } from './send-error';

export const INTERCOM_OAUTH_START_PATH = '/oauth/intercom/start';
export const INTERCOM_OAUTH_CALLBACK_PATH = '/oauth/intercom/callback';

export interface IntercomOauthOptions {
  /** INTERCOM_OAUTH_CLIENT_ID and INTERCOM_OAUTH_CLIENT_SECRET: the public app's OAuth client */
  clientId: string | undefined;
  clientSecret: string | undefined;
  /** APP_ENCRYPTION_KEY: seals the token and keys the state's HMAC */
  encryptionKey: string | undefined;
  /** PUBLIC_URL: the redirect URL is PUBLIC_URL + /oauth/intercom/callback */
  publicUrl: string | undefined;
  /** INTERCOM_BASE_URL: the token exchange and the workspace's API calls */
  apiBaseUrl: string;
  db: Kysely<Database>;
  tokens: TokenStore;
  stateUses?: StateUses;
  /** told after the account is stored (the account list is read again) */
  onInstalled?: (tenant: string) => void;
  authorizeUrl?: string;
  now?: () => number;
  stateTtlMs?: number;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

/** GET /me with the new token: the admin who installed (notes are written as them) and the workspace. */
const meSchema = z.looseObject({ id: z.union([z.string(), z.number()]).transform(String), app: z.looseObject({ id_code: z.string().min(1) }) });

const restart = () => INTERCOM_OAUTH_START_PATH;

/**
 * Installing draftpilot into an Intercom workspace with Intercom's OAuth flow: /oauth/intercom/start
 * sends the teammate to Intercom's authorization page; /oauth/intercom/callback trades the code for the
 * workspace's token, asks Intercom which workspace and admin it belongs to, and stores the token sealed
 * under intercom:<workspace id> with the account row. Every process serves the workspace within
 * accounts.refresh_ms, without a restart.
 */
export function intercomOauthRoutes(o: IntercomOauthOptions): Router {
  const router = Router();
  const now = o.now ?? Date.now;
  const ttlMs = o.stateTtlMs ?? 10 * 60_000;
  const stateUses = o.stateUses ?? new MemoryStateUses(ttlMs * 2);
  const missing = [
    ['INTERCOM_OAUTH_CLIENT_ID', o.clientId],
    ['INTERCOM_OAUTH_CLIENT_SECRET', o.clientSecret],
    ['APP_ENCRYPTION_KEY', o.encryptionKey],
    ['PUBLIC_URL', o.publicUrl],
  ].filter(([, v]) => !v?.trim()).map(([name]) => name);
  let cipher: TokenCipher | undefined;
  let problem = missing.length ? `the Intercom install is not configured: set ${missing.join(', ')}` : undefined;
  if (!problem) {
    try {
      cipher = TokenCipher.fromBase64Key(o.encryptionKey);
    } catch (err) {
      if (!(err instanceof TokenCipherError)) throw err;
      problem = `the Intercom install is not configured: ${err.message}`;
    }
  }
  const redirectUri = `${(o.publicUrl ?? '').replace(/\/+$/, '')}${INTERCOM_OAUTH_CALLBACK_PATH}`;
  const stateKey = o.encryptionKey ? stateKeyFrom(o.encryptionKey) : Buffer.alloc(0);
  const ready = (res: Response): boolean => {
    res.set('Cache-Control', 'no-store');
    if (!problem) return true;
    sendError(res, 503, 'oauth_not_configured', problem);
    return false;
  };

  router.get(INTERCOM_OAUTH_START_PATH, (_req: Request, res: Response) => {
    if (!ready(res)) return;
    res.redirect(302, intercomAuthorizationUrl({ clientId: o.clientId!, redirectUri, state: signInstallState('intercom', stateKey, now()) }, o.authorizeUrl));
  });

  router.get(INTERCOM_OAUTH_CALLBACK_PATH, async (req: Request, res: Response) => {
    res.set('Referrer-Policy', 'no-referrer');
    if (!ready(res)) return;
    const state = queryValue(req.query.state);
    if (!state) return void sendError(res, 400, 'oauth_state_missing', `the state parameter is missing: open ${INTERCOM_OAUTH_START_PATH} to install, not the callback directly`);
    const checked = verifyInstallState(state, stateKey, now(), ttlMs, restart);
    if (!checked.ok) return void sendError(res, 400, checked.code, checked.message);
    if (checked.subdomain !== 'intercom') return void sendError(res, 400, 'oauth_state_invalid', `the state parameter belongs to another install; start again at ${INTERCOM_OAUTH_START_PATH}`);
    if (!(await stateUses.claim(checked.nonce, new Date(now())))) return void sendError(res, 400, 'oauth_state_used', `this install link was already used; start again at ${INTERCOM_OAUTH_START_PATH}`);
    const code = queryValue(req.query.code);
    if (!code) return void sendError(res, 400, 'oauth_code_missing', `Intercom sent no code (the teammate may have declined); start again at ${INTERCOM_OAUTH_START_PATH}`);
    let tenant: string;
    try {
      const token = await exchangeIntercomCode({ apiBaseUrl: o.apiBaseUrl, code, clientId: o.clientId!, clientSecret: o.clientSecret! });
      const me = await getJson(intercomAccess({ baseUrl: o.apiBaseUrl, accessToken: token })!, '/me', meSchema).catch((err: unknown) => {
        throw new OauthInstallError(502, 'intercom_unexpected_response', `Intercom did not say which workspace the new token belongs to (${(err as Error).message})`);
      });
      tenant = intercomTenant(me.app.id_code);
      const stored: StoredTokens = { accessToken: token, accessExpiresAt: null, refreshToken: null, refreshExpiresAt: null, scope: null };
      const at = new Date(now());
      await o.tokens.put({ account: tenant, sealed: cipher!.seal(JSON.stringify(stored), tenant), updated_at: at });
      await saveInstall(o.db, { tenant, provider: 'intercom', apiBaseUrl: o.apiBaseUrl, ownUserId: me.id, webhookId: null, sealedWebhookSecret: null, at });
    } catch (err) {
      if (!(err instanceof OauthInstallError)) {
        o.logger?.warn({ err: (err as Error).message }, 'intercom install: the account could not be stored');
        return void sendError(res, 503, 'store_unavailable', `the install could not be stored; start again at ${INTERCOM_OAUTH_START_PATH} in a moment`);
      }
      o.logger?.warn({ code: err.code }, err.message);
      return void sendError(res, err.status, err.code, err.message);
    }
    o.onInstalled?.(tenant);
    o.logger?.info({ account: tenant }, 'intercom install completed');
    res
      .status(200)
      .type('html')
      .send(installedPage(`draftpilot is installed for workspace ${tenant.slice('intercom:'.length)}`, "Its token is stored encrypted. Add the webhook topics on the app's Webhooks page if you have not. You can close this page."));
  });
  return router;
}
