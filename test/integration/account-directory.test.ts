import nock from 'nock';
import path from 'node:path';
import { AccountDirectory } from '../../src/accounts/account-directory';
import { markUninstalled, saveInstall } from '../../src/accounts/account-rows';
import { loadConfig } from '../../src/config';
import { HelpdeskError } from '../../src/helpdesk/helpdesk-error';
import { DbTokenStore } from '../../src/helpdesk/zendesk/db-token-store';
import { staticAccessToken } from '../../src/helpdesk/zendesk/oauth';
import { TokenCipher } from '../../src/helpdesk/zendesk/token-cipher';
import { createLogger } from '../../src/logger';
import { embeddedStoreForSuite } from '../helpers/databases';

const KEY = Buffer.alloc(32, 3).toString('base64');
const ROOT = path.resolve(__dirname, '../..');
const config = (env: Record<string, string> = {}) =>
  loadConfig({ CONFIG_FILE: path.join(ROOT, 'config/default.yaml'), APP_ENCRYPTION_KEY: KEY, ZENDESK_OAUTH_CLIENT_ID: 'global', ZENDESK_OAUTH_CLIENT_SECRET: 's', ...env });

describe('the account directory', () => {
  const store = embeddedStoreForSuite();
  let clock = 0;
  const directory = (env: Record<string, string> = {}, envZendesk = false) =>
    new AccountDirectory({
      config: config(env),
      db: store().db,
      tokens: new DbTokenStore(store().db),
      envZendeskAuth: envZendesk ? { baseUrl: 'https://acme.zendesk.com', tokens: staticAccessToken('env-token') } : undefined,
      refreshMs: 1000,
      logger: createLogger('silent'),
      now: () => clock,
    });
  const install = async (tenant: string, provider: 'zendesk' | 'intercom', at: Date) => {
    const cipher = TokenCipher.fromBase64Key(KEY);
    const tokens = { accessToken: `${tenant}-token`, accessExpiresAt: null, refreshToken: null, refreshExpiresAt: null, scope: null };
    await new DbTokenStore(store().db).put({ account: tenant, sealed: cipher.seal(JSON.stringify(tokens), tenant), updated_at: at });
    await saveInstall(store().db, { tenant, provider, apiBaseUrl: provider === 'zendesk' ? `https://${tenant.slice(8)}.zendesk.com` : 'https://api.intercom.io', ownUserId: '77', webhookId: null, sealedWebhookSecret: null, at });
  };
  afterEach(() => nock.cleanAll());

  it('serves the environment\'s account and the installs; the environment wins a tenant both name', async () => {
    await install('zendesk:acme', 'zendesk', new Date('2026-12-01T10:00:00Z'));
    await install('zendesk:other', 'zendesk', new Date('2026-12-01T10:00:00Z'));
    const d = directory({ ZENDESK_SUBDOMAIN: 'acme' }, true);
    expect((await d.list()).map((a) => [a.tenant, a.source])).toEqual([
      ['zendesk:acme', 'environment'],
      ['zendesk:other', 'install'],
    ]);
    const other = await d.get('zendesk:other');
    expect(other?.provider === 'zendesk' && other.botUserId).toBe('77');
    expect(await d.get('zendesk:nobody')).toBeUndefined();
  });

  it('sees an install and an uninstall after refreshMs, and keeps what it built for an unchanged account', async () => {
    const d = directory();
    clock = 10_000;
    const before = await d.get('zendesk:other');
    await install('zendesk:late', 'zendesk', new Date('2026-12-01T11:00:00Z'));
    expect(await d.get('zendesk:late')).toBeUndefined();
    clock += 1000;
    expect((await d.get('zendesk:late'))?.tenant).toBe('zendesk:late');
    // the same version of an account: the same token provider, whose tokens stay in memory
    expect(await d.get('zendesk:other')).toBe(before);
    await markUninstalled(store().db, 'zendesk:late', new Date());
    d.invalidate();
    expect(await d.get('zendesk:late')).toBeUndefined();
    expect(d.knownTenants().has('zendesk:late')).toBe(false);
  });

  it("opens an Intercom install's token for its access; a Zendesk tenant never waits for Intercom", async () => {
    await install('intercom:w1', 'intercom', new Date('2026-12-01T10:00:00Z'));
    const d = directory({ INTERCOM_ACCESS_TOKEN: 'env-intercom-token' });
    // Intercom does not answer who the environment's token belongs to
    const asked = nock('https://api.intercom.io').get('/me').reply(503, {});
    const w1 = await d.get('intercom:w1');
    expect(w1?.provider === 'intercom' && w1.access.headers.authorization).toBe('Bearer intercom:w1-token');
    expect(asked.isDone()).toBe(true);
    const err = await d.get('intercom:unknown').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HelpdeskError);
    expect((err as HelpdeskError).permanent).toBe(false);
    // asked again only after refreshMs; meanwhile Zendesk tenants are served without asking
    expect((await d.get('zendesk:other'))?.tenant).toBe('zendesk:other');
    nock('https://api.intercom.io').get('/me').reply(200, { id: '9', app: { id_code: 'envws' } });
    clock += 1000;
    expect((await d.get('intercom:envws'))?.source).toBe('environment');
    expect(await d.get('intercom:unknown')).toBeUndefined();
  });
});
