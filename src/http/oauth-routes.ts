import { Request, Response, Router } from 'express';
import { systemClock, type Clock } from '../helpdesk/zendesk/meter';
import {
  authorizationUrl,
  exchangeAuthorizationCode,
  normalizeSubdomain,
  OauthInstallError,
  signInstallState,
  stateKeyFrom,
  verifyInstallState,
} from '../helpdesk/zendesk/oauth-install';
import { zendeskOrigin, zendeskTenant } from '../domain/tenant';
import { MemoryStateUses, StateUses } from '../helpdesk/zendesk/state-uses';
import { TokenCipher, TokenCipherError } from '../helpdesk/zendesk/token-cipher';
import type { TokenStore } from '../helpdesk/zendesk/token-store';
import type { Logger } from '../logger';
import { installedPage, queryValue } from './install-page';
import { sendError } from './send-error';

export const OAUTH_START_PATH = '/oauth/zendesk/start';
export const OAUTH_CALLBACK_PATH = '/oauth/zendesk/callback';

export interface OauthRoutesOptions {
  /** ZENDESK_OAUTH_CLIENT_ID: the OAuth client's unique identifier */
  clientId: string | undefined;
  /** ZENDESK_OAUTH_CLIENT_SECRET */
  clientSecret: string | undefined;
  /** APP_ENCRYPTION_KEY: seals the stored tokens and keys the state's HMAC */
  encryptionKey: string | undefined;
  /** PUBLIC_URL: where browsers reach this service; the redirect URL is PUBLIC_URL + /oauth/zendesk/callback */
  publicUrl: string | undefined;
  /** where the sealed tokens go, under zendesk:<subdomain> */
  tokens: TokenStore;
  /** ZENDESK_SUBDOMAIN: used by /start when no ?subdomain= is given */
  defaultSubdomain?: string;
  /** the account's origin; https://<subdomain>.zendesk.com by default (a test host or a proxy otherwise) */
  zendeskHost?: (subdomain: string) => string;
  /** space-separated; the writer needs read and write */
  scope?: string;
  /** how long an install link stays valid; 10 minutes by default */
  stateTtlMs?: number;
  clock?: Clock;
  logger?: Pick<Logger, 'info' | 'warn'>;
  /** where used states are recorded, so each install link works once; in memory by default */
  stateUses?: StateUses;
  /**
   * Told after the tokens are stored (the account's API origin and its new access token): sets up the
   * account (its webhook, its row) and says what it did, a line shown on the page.
   */
  onInstalled?: (account: string, granted: { baseUrl: string; accessToken: string }) => Promise<string | void>;
}

interface Ready {
  clientId: string;
  clientSecret: string;
  cipher: TokenCipher;
  stateKey: Buffer;
  redirectUri: string;
}

const REQUIRED = 'ZENDESK_OAUTH_CLIENT_ID, ZENDESK_OAUTH_CLIENT_SECRET, APP_ENCRYPTION_KEY and PUBLIC_URL';

/** The settings, checked once: either everything the install needs or the message a 503 gives. */
function resolveSettings(o: OauthRoutesOptions): Ready | string {
  const given = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);
  const clientId = given(o.clientId);
  const clientSecret = given(o.clientSecret);
  const encryptionKey = given(o.encryptionKey);
  const publicUrl = given(o.publicUrl);
  const missing = [
    ['ZENDESK_OAUTH_CLIENT_ID', clientId],
    ['ZENDESK_OAUTH_CLIENT_SECRET', clientSecret],
    ['APP_ENCRYPTION_KEY', encryptionKey],
    ['PUBLIC_URL', publicUrl],
  ].filter(([, v]) => !v).map(([name]) => name);
  if (!clientId || !clientSecret || !encryptionKey || !publicUrl) {
    return `the Zendesk install is not configured: set ${REQUIRED} (missing: ${missing.join(', ')})`;
  }
  let cipher: TokenCipher;
  try {
    cipher = TokenCipher.fromBase64Key(encryptionKey);
  } catch (err) {
    if (err instanceof TokenCipherError) return `the Zendesk install is not configured: ${err.message}`;
    throw err;
  }
  let base: URL;
  try {
    base = new URL(publicUrl);
  } catch {
    return `the Zendesk install is not configured: PUBLIC_URL must be an absolute URL such as https://draftpilot.example.com, got "${publicUrl}"`;
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') return 'the Zendesk install is not configured: PUBLIC_URL must start with https://';
  const redirectUri = `${publicUrl.replace(/\/+$/, '')}${OAUTH_CALLBACK_PATH}`;
  return { clientId, clientSecret, cipher, stateKey: stateKeyFrom(encryptionKey), redirectUri };
}



/**
 * Installing draftpilot into a Zendesk account with the authorization-code grant:
 * GET /oauth/zendesk/start?subdomain=acme sends the admin to Zendesk's authorization page, and
 * GET /oauth/zendesk/callback trades the code for tokens stored sealed under zendesk:<subdomain>.
 * The state is an HMAC-signed, expiring value carrying the subdomain: no server-side session.
 */
export function oauthRoutes(options: OauthRoutesOptions): Router {
  const settings = resolveSettings(options);
  const clock = options.clock ?? systemClock;
  const ttlMs = options.stateTtlMs ?? 10 * 60_000;
  const scope = options.scope ?? 'read write';
  const hostOf = options.zendeskHost ?? zendeskOrigin;
  const stateUses = options.stateUses ?? new MemoryStateUses(ttlMs * 2);
  const router = Router();

  const ready = (res: Response): Ready | undefined => {
    if (typeof settings !== 'string') return settings;
    sendError(res, 503, 'oauth_not_configured', settings);
    return undefined;
  };

  router.get(OAUTH_START_PATH, (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    const s = ready(res);
    if (!s) return;
    const raw = queryValue(req.query.subdomain) ?? options.defaultSubdomain;
    if (!raw) {
      sendError(res, 400, 'subdomain_missing', `add ?subdomain=<your Zendesk subdomain>, e.g. ${OAUTH_START_PATH}?subdomain=acme for acme.zendesk.com`);
      return;
    }
    const subdomain = normalizeSubdomain(raw);
    if (!subdomain) {
      sendError(res, 400, 'subdomain_invalid', 'subdomain must be the first label of your Zendesk address, e.g. "acme" for acme.zendesk.com (letters, digits and "-")');
      return;
    }
    const state = signInstallState(subdomain, s.stateKey, clock.now());
    res.redirect(302, authorizationUrl(hostOf(subdomain), { clientId: s.clientId, redirectUri: s.redirectUri, scope, state }));
  });

  router.get(OAUTH_CALLBACK_PATH, async (req: Request, res: Response) => {
    // The URL carries a one-time code: keep it out of caches and out of the Referer of anything this page loads.
    res.set('Cache-Control', 'no-store');
    res.set('Referrer-Policy', 'no-referrer');
    const s = ready(res);
    if (!s) return;
    const state = queryValue(req.query.state);
    if (!state) {
      sendError(res, 400, 'oauth_state_missing', `the state parameter is missing: open ${OAUTH_START_PATH}?subdomain=<your subdomain> to install, not the callback directly`);
      return;
    }
    const checked = verifyInstallState(state, s.stateKey, clock.now(), ttlMs);
    if (!checked.ok) {
      sendError(res, 400, checked.code, checked.message);
      return;
    }
    const { subdomain } = checked;
    if (!(await stateUses.claim(checked.nonce, new Date(clock.now())))) {
      sendError(res, 400, 'oauth_state_used', `this install link was already used; start again at ${OAUTH_START_PATH}?subdomain=${subdomain}`);
      return;
    }
    const denied = queryValue(req.query.error);
    if (denied) {
      const why = queryValue(req.query.error_description);
      sendError(res, 400, 'oauth_denied', `Zendesk did not authorize the install for ${subdomain} (${denied.slice(0, 60)}${why ? `: ${why.slice(0, 200)}` : ''}); an admin of the account can start again at ${OAUTH_START_PATH}?subdomain=${subdomain}`);
      return;
    }
    const code = queryValue(req.query.code);
    if (!code) {
      sendError(res, 400, 'oauth_code_missing', `the code parameter is missing; start again at ${OAUTH_START_PATH}?subdomain=${subdomain}`);
      return;
    }
    const account = zendeskTenant(subdomain);
    const now = clock.now();
    let sealed: string;
    let accessToken: string;
    try {
      const tokens = await exchangeAuthorizationCode({ host: hostOf(subdomain), code, clientId: s.clientId, clientSecret: s.clientSecret, redirectUri: s.redirectUri, scope, now });
      sealed = s.cipher.seal(JSON.stringify(tokens), account);
      accessToken = tokens.accessToken;
    } catch (err) {
      if (!(err instanceof OauthInstallError)) throw err;
      options.logger?.warn({ account, code: err.code }, err.message);
      sendError(res, err.status, err.code, err.message);
      return;
    }
    try {
      await options.tokens.put({ account, sealed, updated_at: new Date(now) });
    } catch (err) {
      options.logger?.warn({ account, err: (err as Error).message }, 'zendesk install: the tokens could not be stored');
      sendError(res, 503, 'store_unavailable', `the tokens for ${subdomain} could not be stored; start the install again in a moment`);
      return;
    }
    let note = '';
    try {
      note = (await options.onInstalled?.(account, { baseUrl: hostOf(subdomain), accessToken })) ?? '';
    } catch (err) {
      // The tokens are stored: the install succeeded even if setting up the account failed.
      options.logger?.warn({ account, err: (err as Error).message }, 'zendesk install: setting up the account failed');
      note = `The account could not be set up yet (${(err as Error).message.slice(0, 200)}); install again in a moment.`;
    }
    options.logger?.info({ account }, 'zendesk install completed');
    res
      .status(200)
      .type('html')
      .send(installedPage(`draftpilot is installed for ${subdomain}`, `Its tokens are stored encrypted.${note ? ` ${note}` : ''} You can close this page.`));
  });

  return router;
}
