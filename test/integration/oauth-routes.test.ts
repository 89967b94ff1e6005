import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { sql } from 'kysely';
import nock from 'nock';
import { DbTokenStore } from '../../src/helpdesk/zendesk/db-token-store';
import { ClientCredentialsTokenProvider } from '../../src/helpdesk/zendesk/oauth';
import { signInstallState, stateKeyFrom } from '../../src/helpdesk/zendesk/oauth-install';
import { TokenCipher } from '../../src/helpdesk/zendesk/token-cipher';
import type { StoredTokens } from '../../src/helpdesk/zendesk/token-store';
import { oauthRoutes, OauthRoutesOptions } from '../../src/http/oauth-routes';
import { openStore, Store } from '../../src/store/open-store';
import { freshDataDir, removeDir } from '../helpers/databases';
import { useStrictNock } from '../helpers/strict-nock';

const KEY = Buffer.alloc(32, 9).toString('base64');
const CLIENT_ID = 'draftpilot_oauth';
const CLIENT_SECRET = 'zd-oauth-client-secret-0123456789';
const PUBLIC_URL = 'https://draftpilot.example.com/';
const REDIRECT_URI = 'https://draftpilot.example.com/oauth/zendesk/callback';
const ACCESS = 'zd-access-token-from-the-code-0123456789';
const REFRESH = 'zd-refresh-token-from-the-code-0123456789';
const CODE = 'zd-auth-code-0123456789';
const T0 = Date.parse('2026-11-27T10:00:00Z');

useStrictNock(/^\w+ http:\/\/127\.0\.0\.1:\d+\//);

let dir: string;
let store: Store;
let tokens: DbTokenStore;
const cipher = TokenCipher.fromBase64Key(KEY);
beforeAll(async () => {
  dir = freshDataDir();
  store = await openStore({ dataDir: dir });
  tokens = new DbTokenStore(store.db);
});
afterAll(async () => {
  await store.close();
  removeDir(dir);
});

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** The router alone on a bare express app, port 0, with a clock the test moves. */
async function mount(overrides: Partial<OauthRoutesOptions> = {}) {
  const clock = { t: T0, now() { return this.t; } };
  const app = express();
  app.use(
    oauthRoutes({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      encryptionKey: KEY,
      publicUrl: PUBLIC_URL,
      tokens,
      clock,
      ...overrides,
    }),
  );
  const server = createServer(app);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = (path: string) => fetch(`${base}${path}`, { redirect: 'manual' });
  /** /start, then the state Zendesk would hand back to the callback. */
  const start = async (subdomain: string) => {
    const res = await get(`/oauth/zendesk/start?subdomain=${encodeURIComponent(subdomain)}`);
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location')!).searchParams.get('state')!;
  };
  const callback = (q: Record<string, string>) => get(`/oauth/zendesk/callback?${new URLSearchParams(q).toString()}`);
  return { clock, get, start, callback };
}

const grantBody = { grant_type: 'authorization_code', code: CODE, client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: REDIRECT_URI, scope: 'read write' };
const grantAnswer = { access_token: ACCESS, token_type: 'bearer', scope: 'read write', expires_in: 1800, refresh_token: REFRESH, refresh_token_expires_in: 2_592_000 };

async function rawRow(account: string): Promise<unknown> {
  const { rows } = await sql<Record<string, unknown>>`select * from oauth_tokens where account = ${account}`.execute(store.db);
  return rows[0];
}

describe('GET /oauth/zendesk/start', () => {
  it('redirects to the account authorization page with response_type, client_id, redirect_uri, scope and a signed state', async () => {
    const { get } = await mount();
    const res = await get('/oauth/zendesk/start?subdomain=acme');
    expect(res.status).toBe(302);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe('https://acme.zendesk.com/oauth/authorizations/new');
    const q = Object.fromEntries(location.searchParams);
    expect(q).toEqual({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, scope: 'read write', state: expect.stringMatching(/^[\w-]+\.[\w-]{43}$/) });
    const payload = JSON.parse(Buffer.from(q.state!.split('.')[0]!, 'base64url').toString('utf8'));
    expect(payload).toMatchObject({ v: 1, sub: 'acme', iat: T0 });
  });

  it('takes the default subdomain, accepts acme.zendesk.com, and refuses a subdomain that is not one host label', async () => {
    const { get } = await mount({ defaultSubdomain: 'acme' });
    expect(new URL((await get('/oauth/zendesk/start')).headers.get('location')!).host).toBe('acme.zendesk.com');
    expect(new URL((await get('/oauth/zendesk/start?subdomain=Beta.zendesk.com')).headers.get('location')!).host).toBe('beta.zendesk.com');
    for (const bad of ['evil.com/x', 'a.b', 'acme@evil.com', '-acme', 'x'.repeat(64)]) {
      const res = await get(`/oauth/zendesk/start?subdomain=${encodeURIComponent(bad)}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'subdomain_invalid' });
    }
    const { get: getNoDefault } = await mount();
    const missing = await getNoDefault('/oauth/zendesk/start');
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: 'subdomain_missing', message: expect.stringContaining('?subdomain=') });
  });
});

describe('GET /oauth/zendesk/callback', () => {
  it('with a valid state, exchanges the code and stores the tokens sealed under zendesk:<subdomain>', async () => {
    const { start, callback, clock } = await mount();
    const state = await start('acme');
    clock.t = T0 + 30_000; // the admin approves half a minute later
    nock('https://acme.zendesk.com').post('/oauth/tokens', grantBody).reply(200, grantAnswer);

    const res = await callback({ code: CODE, state });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const page = await res.text();
    expect(page).toContain('draftpilot is installed for acme');
    for (const secret of [ACCESS, REFRESH, CODE, CLIENT_SECRET]) expect(page).not.toContain(secret);

    const raw = JSON.stringify(await rawRow('zendesk:acme'));
    expect(raw).toContain('"account":"zendesk:acme"');
    for (const secret of [ACCESS, REFRESH, CODE]) expect(raw).not.toContain(secret);

    const row = (await tokens.get('zendesk:acme'))!;
    expect(row.updated_at.getTime()).toBe(T0 + 30_000);
    const opened = JSON.parse(cipher.open(row.sealed, 'zendesk:acme')) as StoredTokens;
    expect(opened).toEqual({
      accessToken: ACCESS,
      accessExpiresAt: T0 + 30_000 + 1_800_000,
      refreshToken: REFRESH,
      refreshExpiresAt: T0 + 30_000 + 2_592_000_000,
      scope: 'read write',
    });

    // The writer's token provider reads the installed record as is: no grant request (nock would fail one).
    const provider = new ClientCredentialsTokenProvider({ baseUrl: 'https://acme.zendesk.com', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, account: 'zendesk:acme', store: tokens, cipher, clock });
    await expect(provider.token()).resolves.toBe(ACCESS);
  });

  it('uses zendeskHost for the authorization page and the code exchange', async () => {
    const { get, callback } = await mount({ zendeskHost: (s) => `http://zendesk.test/${s}` });
    const location = new URL((await get('/oauth/zendesk/start?subdomain=gamma')).headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe('http://zendesk.test/gamma/oauth/authorizations/new');
    nock('http://zendesk.test').post('/gamma/oauth/tokens', grantBody).reply(200, grantAnswer);
    const res = await callback({ code: CODE, state: location.searchParams.get('state')! });
    expect(res.status).toBe(200);
    expect(await tokens.get('zendesk:gamma')).toBeDefined();
  });

  it('answers 400 to a missing, tampered or foreign state without calling Zendesk', async () => {
    const { start, callback } = await mount();
    const state = await start('acme');
    const [payload, signature] = state.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')), sub: 'evil' })).toString('base64url');
    const foreign = signInstallState('evil', stateKeyFrom(Buffer.alloc(32, 1).toString('base64')), T0);
    const cases: [Record<string, string>, string][] = [
      [{ code: CODE }, 'oauth_state_missing'],
      [{ code: CODE, state: `${forged}.${signature}` }, 'oauth_state_invalid'],
      [{ code: CODE, state: `${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}` }, 'oauth_state_invalid'],
      [{ code: CODE, state: `${payload}.${signature}=` }, 'oauth_state_invalid'],
      [{ code: CODE, state: 'not-a-state' }, 'oauth_state_invalid'],
      [{ code: CODE, state: foreign }, 'oauth_state_invalid'],
    ];
    for (const [q, error] of cases) {
      const res = await callback(q);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error, message: expect.stringContaining('/oauth/zendesk/start') });
    }
    expect(await tokens.get('zendesk:evil')).toBeUndefined();
  });

  it('answers 400 to a state older than 10 minutes', async () => {
    const { start, callback, clock } = await mount();
    const state = await start('delta');
    clock.t = T0 + 10 * 60_000 + 1;
    const res = await callback({ code: CODE, state });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'oauth_state_expired', message: expect.stringMatching(/expired.*10 minutes.*\/oauth\/zendesk\/start\?subdomain=delta/) });
    expect(await tokens.get('zendesk:delta')).toBeUndefined();
  });

  it('answers 400 when the admin denied the install or the code is missing', async () => {
    const { start, callback } = await mount();
    const state = await start('acme');
    const denied = await callback({ error: 'access_denied', error_description: 'The end-user or authorization server denied the request.', state });
    expect(denied.status).toBe(400);
    expect(await denied.json()).toMatchObject({ error: 'oauth_denied', message: expect.stringContaining('access_denied') });
    const noCode = await callback({ state: await start('acme') });
    expect(noCode.status).toBe(400);
    expect(await noCode.json()).toMatchObject({ error: 'oauth_code_missing' });
  });

  it('takes each install link once: a replayed callback is refused before Zendesk is called', async () => {
    const { start, callback } = await mount();
    const state = await start('omega');
    nock('https://omega.zendesk.com').post('/oauth/tokens', grantBody).once().reply(200, grantAnswer);
    expect((await callback({ code: CODE, state })).status).toBe(200);
    const stored = await tokens.get('zendesk:omega');
    // The same state again, within its ten minutes, with another code: no second exchange (nock would refuse it).
    const replay = await callback({ code: 'another-code', state });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toEqual({ error: 'oauth_state_used', message: expect.stringContaining('/oauth/zendesk/start?subdomain=omega') });
    expect(await tokens.get('zendesk:omega')).toEqual(stored);
  });

  it('token endpoint 401: 502 naming what to check, and nothing stored', async () => {
    const { start, callback } = await mount();
    const state = await start('beta');
    nock('https://beta.zendesk.com').post('/oauth/tokens', grantBody).reply(401, { error: 'invalid_client', error_description: 'Client authentication failed due to unknown client.' });
    const res = await callback({ code: CODE, state });
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('zendesk_oauth_exchange_failed');
    expect(body.message).toContain('answered 401 (invalid_client: Client authentication failed');
    expect(body.message).toContain('ZENDESK_OAUTH_CLIENT_SECRET');
    expect(body.message).toContain(REDIRECT_URI);
    expect(body.message).not.toContain(CLIENT_SECRET);
    expect(body.message).not.toContain(CODE);
    expect(await tokens.get('zendesk:beta')).toBeUndefined();
  });
});

describe('missing OAuth settings', () => {
  it('both routes answer 503 naming ZENDESK_OAUTH_CLIENT_ID, ZENDESK_OAUTH_CLIENT_SECRET, APP_ENCRYPTION_KEY and PUBLIC_URL', async () => {
    const { get } = await mount({ clientId: undefined, clientSecret: '', publicUrl: undefined });
    for (const path of ['/oauth/zendesk/start?subdomain=acme', `/oauth/zendesk/callback?code=${CODE}&state=x.y`]) {
      const res = await get(path);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { error: string; message: string };
      expect(body.error).toBe('oauth_not_configured');
      for (const name of ['ZENDESK_OAUTH_CLIENT_ID', 'ZENDESK_OAUTH_CLIENT_SECRET', 'APP_ENCRYPTION_KEY', 'PUBLIC_URL']) expect(body.message).toContain(name);
      expect(body.message).toContain('missing: ZENDESK_OAUTH_CLIENT_ID, ZENDESK_OAUTH_CLIENT_SECRET, PUBLIC_URL');
    }
    const badKey = await (await mount({ encryptionKey: 'not-32-bytes' })).get('/oauth/zendesk/start?subdomain=acme');
    expect(badKey.status).toBe(503);
    expect(await badKey.json()).toMatchObject({ error: 'oauth_not_configured', message: expect.stringContaining('APP_ENCRYPTION_KEY') });
  });
});

describe('DbTokenStore', () => {
  it('keeps one row per account, the last write winning', async () => {
    expect(await tokens.get('zendesk:nobody')).toBeUndefined();
    await tokens.put({ account: 'zendesk:epsilon', sealed: 'v1.a.b.c', updated_at: new Date(T0) });
    await tokens.put({ account: 'zendesk:epsilon', sealed: 'v1.d.e.f', updated_at: new Date(T0 + 1000) });
    expect(await tokens.get('zendesk:epsilon')).toEqual({ account: 'zendesk:epsilon', sealed: 'v1.d.e.f', updated_at: new Date(T0 + 1000) });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from oauth_tokens where account = 'zendesk:epsilon'`.execute(store.db);
    expect(rows[0]!.n).toBe(1);
  });
});
