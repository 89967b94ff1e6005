import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { accountsOf, zendeskAuthFromRaw } from '../helpers/accounts';
import { ConfigError } from '../../src/config/env';
import { DbTokenStore } from '../../src/helpdesk/zendesk/db-token-store';
import { fetchJson } from '../../src/helpdesk/fetch-json';
import { HelpdeskError } from '../../src/helpdesk/helpdesk-error';
import { loadArticles, loadSyncCursor } from '../../src/knowledge/article-store';
import { configuredSources, KnowledgeBase, resolverOf } from '../../src/knowledge/knowledge-base';
import { openStore, Store } from '../../src/store/open-store';
import { freshDataDir, removeDir } from '../helpers/databases';
import { ROOT } from '../helpers/test-service';

let dataDir: string;
let store: Store;

beforeAll(async () => {
  dataDir = freshDataDir();
  store = await openStore({ dataDir });
});
afterAll(async () => {
  await store.close();
  removeDir(dataDir);
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]); // every provider call a test set up was made
});

const TOKEN = 'zd-oauth-token-0123456789';

async function zendeskBase(subdomain: string, knowledgeDir?: string): Promise<KnowledgeBase> {
  const raw = { ZENDESK_SUBDOMAIN: subdomain, ZENDESK_ACCESS_TOKEN: TOKEN };
  const sources = await configuredSources(accountsOf(raw), { zendeskAuth: zendeskAuthFromRaw(raw) });
  return new KnowledgeBase({ db: store.db, sources: resolverOf(sources), ...(knowledgeDir ? { knowledgeDir } : {}) });
}

/** As if the last complete listing ran more than a day ago: the next sync lists everything again. */
async function ageFullListing(tenant: string): Promise<void> {
  const row = await loadSyncCursor(store.db, tenant, 'zendesk_help_center');
  const cursor = JSON.parse(row!.cursor!);
  await store.db.updateTable('knowledge_sync').set({ cursor: JSON.stringify({ ...cursor, full: 0 }) }).where('tenant', '=', tenant).where('source', '=', 'zendesk_help_center').execute();
}

/** An article as the Zendesk Help Center API lists it. */
function zdArticle(id: number, locale: string, title: string, body: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    url: `https://acme.zendesk.com/api/v2/help_center/${locale}/articles/${id}.json`,
    html_url: `https://help.acme.test/hc/${locale}/articles/${id}`,
    title,
    body,
    locale,
    source_locale: 'en-us',
    draft: false,
    section_id: 7,
    updated_at: '2026-05-01T10:00:00Z',
    ...extra,
  };
}

const lastPage = (articles: unknown[]) => ({ articles, meta: { has_more: false, after_cursor: null }, links: { next: null } });

describe('Zendesk Help Center sync', () => {
  it('lists every locale across cursor pages, converts HTML to text, skips drafts and stores the cursor', async () => {
    const returns = zdArticle(101, 'en-us', 'Returns and refunds', '<h2>Returns</h2><p>You can return &amp; get a refund within <strong>30 days</strong>.</p><ul><li>Unused items</li><li>In the original box</li></ul>', { updated_at: '2026-05-03T08:00:00Z' });
    const draft = zdArticle(102, 'en-us', 'Secret upcoming policy', '<p>Unreleased loyalty programme details.</p>', { draft: true });
    const shipping = zdArticle(103, 'en-us', 'Shipping times', '<p>Parcels arrive in 2&ndash;4 working days.</p><script>track()</script>');
    const german = zdArticle(101, 'de', 'Rücksendungen und Erstattungen', '<p>Sie können Artikel innerhalb von 30 Tagen zurücksenden.</p>', { updated_at: '2026-05-02T08:00:00Z' });

    const zd = nock('https://acme.zendesk.com').matchHeader('authorization', `Bearer ${TOKEN}`);
    zd.get('/api/v2/help_center/locales.json').reply(200, { locales: ['en-us', 'de'], default_locale: 'en-us' });
    zd.get('/api/v2/help_center/en-us/articles.json').query({ 'page[size]': '100' }).reply(200, {
      articles: [returns, draft],
      meta: { has_more: true, after_cursor: 'xc1' },
      links: { next: 'https://acme.zendesk.com/api/v2/help_center/en-us/articles.json?page%5Bafter%5D=xc1&page%5Bsize%5D=100' },
    });
    zd.get('/api/v2/help_center/en-us/articles.json').query({ 'page[after]': 'xc1', 'page[size]': '100' }).reply(200, lastPage([shipping]));
    zd.get('/api/v2/help_center/de/articles.json').query({ 'page[size]': '100' }).reply(200, lastPage([german]));

    const kb = await zendeskBase('acme');
    const report = await kb.sync('zendesk:acme');
    expect(report).toMatchObject({ tenant: 'zendesk:acme', source: 'zendesk_help_center', fetched: 3, added: 3, updated: 0, unchanged: 0, removed: 0, reindexed: 3, complete: true });

    const stored = await loadArticles(store.db, 'zendesk:acme');
    expect(stored.map((a) => a.id)).toEqual(['101:de', '101:en-us', '103:en-us']);
    const en = stored.find((a) => a.id === '101:en-us')!;
    expect(en).toMatchObject({ title: 'Returns and refunds', url: 'https://help.acme.test/hc/en-us/articles/101', locale: 'en-us', updatedAt: '2026-05-03T08:00:00.000Z' });
    expect(en.body).toBe('Returns\n\nYou can return & get a refund within 30 days.\n\n- Unused items\n- In the original box');
    expect(stored.find((a) => a.id === '103:en-us')!.body).toBe('Parcels arrive in 2–4 working days.');
    expect(stored.some((a) => a.body.includes('loyalty'))).toBe(false);

    const index = await kb.forTenant('zendesk:acme');
    expect(index.locales().sort()).toEqual(['de', 'en-us']);
    expect(index.query('refund', { locale: 'en-us' })[0]).toMatchObject({ articleId: '101:en-us', url: 'https://help.acme.test/hc/en-us/articles/101' });
    expect(index.query('loyalty programme')).toEqual([]);
    const cursor = JSON.parse((await loadSyncCursor(store.db, 'zendesk:acme', 'zendesk_help_center'))!.cursor!);
    expect(cursor.updated).toBe(Date.parse('2026-05-03T08:00:00Z') / 1000);
  });

  it('on the next sync re-indexes exactly the changed article and drops removed and unpublished ones from search', async () => {
    const zd = () => nock('https://globex.zendesk.com').matchHeader('authorization', `Bearer ${TOKEN}`);
    const locales = () => zd().get('/api/v2/help_center/locales.json').reply(200, { locales: ['en-us'], default_locale: 'en-us' });
    const listing = (articles: unknown[]) => zd().get('/api/v2/help_center/en-us/articles.json').query({ 'page[size]': '100' }).reply(200, lastPage(articles));

    const warranty = zdArticle(201, 'en-us', 'Warranty', '<p>Every kettle has a two year warranty.</p>');
    const descaling = zdArticle(202, 'en-us', 'Descaling', '<p>Descale the kettle monthly with citric acid.</p>');
    const giftcards = zdArticle(203, 'en-us', 'Gift cards', '<p>Gift cards never expire.</p>');
    const invoices = zdArticle(204, 'en-us', 'Invoices', '<p>Download invoices from your account page.</p>');
    locales();
    listing([warranty, descaling, giftcards, invoices]);
    const kb = await zendeskBase('globex');
    expect(await kb.sync('zendesk:globex')).toMatchObject({ added: 4, reindexed: 4 });
    expect((await kb.forTenant('zendesk:globex')).query('gift cards expire')[0]?.articleId).toBe('203:en-us');

    // a day later (the daily complete listing is due): warranty changed, descaling untouched but its
    // update time moved (a comment), gift cards archived, invoices back to draft
    await ageFullListing('zendesk:globex');
    locales();
    listing([
      { ...warranty, body: '<p>Every kettle has a three year warranty.</p>', updated_at: '2026-06-01T00:00:00Z' },
      { ...descaling, updated_at: '2026-06-02T00:00:00Z' },
      { ...invoices, draft: true },
    ]);
    const second = await kb.sync('zendesk:globex');
    expect(second).toMatchObject({ fetched: 2, added: 0, updated: 1, unchanged: 1, removed: 2, reindexed: 1 });

    const index = await kb.forTenant('zendesk:globex');
    expect(index.size).toBe(2);
    expect(index.query('gift cards expire')).toEqual([]);
    expect(index.query('invoices account page')).toEqual([]);
    expect(index.query('warranty')[0]?.text).toContain('three year');
    // A restarted process builds the same index from the store.
    const restarted = await zendeskBase('globex');
    expect((await restarted.forTenant('zendesk:globex')).query('gift cards expire')).toEqual([]);
    expect((await loadArticles(store.db, 'zendesk:globex')).map((a) => a.id)).toEqual(['201:en-us', '202:en-us']);
  });

  it('serves the markdown folder to a tenant until it has articles of its own', async () => {
    const kb = await zendeskBase('initech', path.join(ROOT, 'config/knowledge'));
    const before = await kb.forTenant('zendesk:initech');
    expect(before).toBe(kb.fallback);
    expect(before.size).toBeGreaterThan(0);
    expect(await kb.forTenant('zendesk:someone-else')).toBe(kb.fallback);

    const zd = nock('https://initech.zendesk.com');
    zd.get('/api/v2/help_center/locales.json').reply(200, { locales: ['en-us'] });
    zd.get('/api/v2/help_center/en-us/articles.json').query(true).reply(200, lastPage([zdArticle(301, 'en-us', 'TPS reports', '<p>File TPS reports with the new cover sheet.</p>')]));
    await kb.sync('zendesk:initech');
    const own = await kb.forTenant('zendesk:initech');
    expect(own).not.toBe(kb.fallback);
    expect(own.size).toBe(1);
    expect(await kb.forTenant('zendesk:someone-else')).toBe(kb.fallback);
  });

  it('between daily listings fetches only what changed since the newest update, removing nothing', async () => {
    const zd = () => nock('https://wayne.zendesk.com');
    zd().get('/api/v2/help_center/locales.json').reply(200, { locales: ['en-us'] });
    zd().get('/api/v2/help_center/en-us/articles.json').query(true).reply(200, lastPage([
      zdArticle(501, 'en-us', 'Returns', '<p>Return any item within 30 days.</p>', { updated_at: '2026-05-01T00:00:00Z' }),
      zdArticle(502, 'en-us', 'Shipping', '<p>Parcels leave the same day.</p>', { updated_at: '2026-05-02T00:00:00Z' }),
    ]));
    const kb = await zendeskBase('wayne');
    expect(await kb.sync('zendesk:wayne')).toMatchObject({ added: 2, complete: true });
    const since = Date.parse('2026-05-02T00:00:00Z') / 1000;
    zd().get('/api/v2/help_center/incremental/articles.json').query({ start_time: String(since) }).reply(200, {
      articles: [zdArticle(501, 'en-us', 'Returns', '<p>Return any item within 60 days.</p>', { updated_at: '2026-05-05T00:00:00Z' })],
      next_page: null,
      end_time: since + 100,
      end_of_stream: true,
    });
    expect(await kb.sync('zendesk:wayne')).toMatchObject({ fetched: 1, updated: 1, removed: 0, reindexed: 1, complete: false });
    const index = await kb.forTenant('zendesk:wayne');
    expect(index.size).toBe(2);
    expect(index.query('return days')[0]?.text).toContain('60 days');
    const cursor = JSON.parse((await loadSyncCursor(store.db, 'zendesk:wayne', 'zendesk_help_center'))!.cursor!);
    expect(cursor.updated).toBe(Date.parse('2026-05-05T00:00:00Z') / 1000);
  });

  it('surfaces a 429 as a retryable HelpdeskError with the Retry-After delay and keeps the stored articles', async () => {
    const zd = () => nock('https://hooli.zendesk.com');
    zd().get('/api/v2/help_center/locales.json').reply(200, { locales: ['en-us'] });
    zd().get('/api/v2/help_center/en-us/articles.json').query(true).reply(200, lastPage([zdArticle(401, 'en-us', 'Compression', '<p>Middle-out compression explained.</p>')]));
    const kb = await zendeskBase('hooli');
    await kb.sync('zendesk:hooli');
    await ageFullListing('zendesk:hooli');

    zd().get('/api/v2/help_center/locales.json').reply(200, { locales: ['en-us'] });
    zd().get('/api/v2/help_center/en-us/articles.json').query(true).reply(429, { error: 'TooManyRequests', description: 'Rate limit exceeded' }, { 'Retry-After': '37' });
    const err = await kb.sync('zendesk:hooli').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HelpdeskError);
    expect(err).toMatchObject({ provider: 'zendesk', status: 429, code: 'zendesk_rate_limited', permanent: false, retryable: true, retryAfterMs: 37_000 });
    expect((err as Error).message).toContain('Rate limit exceeded');
    expect(await loadArticles(store.db, 'zendesk:hooli')).toHaveLength(1);
    expect((await kb.forTenant('zendesk:hooli')).query('compression')).toHaveLength(1);
  });

  it('treats a 401 as permanent, names the setting and never echoes the token', async () => {
    nock('https://umbrella.zendesk.com').get('/api/v2/help_center/locales.json').reply(401, { error: "Couldn't authenticate you" });
    const kb = await zendeskBase('umbrella');
    const err = (await kb.sync('zendesk:umbrella').catch((e: unknown) => e)) as HelpdeskError;
    expect(err).toBeInstanceOf(HelpdeskError);
    expect(err).toMatchObject({ status: 401, code: 'zendesk_unauthorized', permanent: true, retryAfterMs: undefined });
    expect(err.message).toContain('ZENDESK_ACCESS_TOKEN');
    expect(err.message).not.toContain(TOKEN);
  });
});

describe('Zendesk Help Center sync with the OAuth client (client credentials)', () => {
  const KEY = Buffer.alloc(32, 7).toString('base64');
  const clientBody = { grant_type: 'client_credentials', client_id: 'draftpilot', client_secret: 'client-secret-xyz', scope: 'read write' };
  const grant = (access: string) => ({ access_token: access, token_type: 'bearer', scope: 'read write', expires_in: 1800 });
  const oauthEnv = (subdomain: string) => ({ ZENDESK_SUBDOMAIN: subdomain, ZENDESK_OAUTH_CLIENT_ID: 'draftpilot', ZENDESK_OAUTH_CLIENT_SECRET: 'client-secret-xyz', APP_ENCRYPTION_KEY: KEY });

  it('is configured from the writer\'s ZendeskAuth, grants a token once and reads with it', async () => {
    const env = oauthEnv('stark');
    // Without the writer's credentials, the OAuth client alone configures no Zendesk source (nothing to read with).
    expect(await configuredSources(accountsOf(env))).toEqual([]);
    const zendeskAuth = zendeskAuthFromRaw(env, { store: new DbTokenStore(store.db) })!;
    const configured = await configuredSources(accountsOf(env), { zendeskAuth });
    expect(configured.map((c) => [c.tenant, c.source.name])).toEqual([['zendesk:stark', 'zendesk_help_center']]);

    nock('https://stark.zendesk.com').post('/oauth/tokens', clientBody).once().reply(200, grant('stark-access-A'));
    const zd = nock('https://stark.zendesk.com').matchHeader('authorization', 'Bearer stark-access-A');
    zd.get('/api/v2/help_center/locales.json').reply(200, { locales: ['en-us'], default_locale: 'en-us' });
    zd.get('/api/v2/help_center/en-us/articles.json').query({ 'page[size]': '100' }).reply(200, lastPage([zdArticle(501, 'en-us', 'Arc reactor care', '<p>Keep the reactor dry.</p>')]));
    const kb = new KnowledgeBase({ db: store.db, sources: resolverOf(configured) });
    expect(await kb.sync('zendesk:stark')).toMatchObject({ source: 'zendesk_help_center', fetched: 1, added: 1, complete: true });
    expect((await loadArticles(store.db, 'zendesk:stark')).map((a) => a.id)).toEqual(['501:en-us']);
    // The grant is sealed in the store's oauth_tokens table, where the writer finds it.
    const row = await new DbTokenStore(store.db).get('zendesk:stark');
    expect(row?.sealed).toMatch(/^v1\./);
    expect(row?.sealed).not.toContain('stark-access-A');

    // The next (complete) listing: the held token, no second grant.
    await ageFullListing('zendesk:stark');
    zd.get('/api/v2/help_center/locales.json').reply(200, { locales: ['en-us'], default_locale: 'en-us' });
    zd.get('/api/v2/help_center/en-us/articles.json').query({ 'page[size]': '100' }).reply(200, lastPage([zdArticle(501, 'en-us', 'Arc reactor care', '<p>Keep the reactor dry.</p>')]));
    expect(await kb.sync('zendesk:stark')).toMatchObject({ fetched: 1, unchanged: 1 });
  });

  it('renews the token once after a 401 on a listing page and repeats the page', async () => {
    const env = oauthEnv('cyberdyne');
    const zendeskAuth = zendeskAuthFromRaw(env)!;
    const kb = new KnowledgeBase({ db: store.db, sources: resolverOf(await configuredSources(accountsOf(env), { zendeskAuth })) });
    const zd = (token: string) => nock('https://cyberdyne.zendesk.com').matchHeader('authorization', `Bearer ${token}`);
    nock('https://cyberdyne.zendesk.com').post('/oauth/tokens', clientBody).once().reply(200, grant('cd-access-A'));
    zd('cd-access-A').get('/api/v2/help_center/locales.json').reply(200, { locales: ['en-us'] });
    zd('cd-access-A').get('/api/v2/help_center/en-us/articles.json').query(true).reply(401, { error: 'invalid_token' });
    nock('https://cyberdyne.zendesk.com').post('/oauth/tokens', clientBody).once().reply(200, grant('cd-access-B'));
    zd('cd-access-B').get('/api/v2/help_center/en-us/articles.json').query(true).reply(200, lastPage([zdArticle(601, 'en-us', 'Safety', '<p>Do not connect to Skynet.</p>')]));
    expect(await kb.sync('zendesk:cyberdyne')).toMatchObject({ fetched: 1, added: 1 });
  });

  it('names both kinds of credentials when the subdomain (the tenant) is missing', async () => {
    const env = { ZENDESK_BASE_URL: 'http://zendesk.test', ZENDESK_OAUTH_CLIENT_ID: 'draftpilot', ZENDESK_OAUTH_CLIENT_SECRET: 's', APP_ENCRYPTION_KEY: KEY };
    const zendeskAuth = zendeskAuthFromRaw(env)!;
    const err = await configuredSources(accountsOf(env), { zendeskAuth }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/ZENDESK_SUBDOMAIN is not/);
    expect((err as Error).message).toContain('ZENDESK_OAUTH_CLIENT_ID');
  });
});

describe('Intercom Articles sync', () => {
  const ICTOKEN = 'ic-token-0123456789';
  const ic = () => nock('https://api.intercom.io').matchHeader('authorization', `Bearer ${ICTOKEN}`).matchHeader('intercom-version', '2.14');
  const icArticle = (id: number, title: string, body: string, extra: Record<string, unknown> = {}) => ({
    type: 'article',
    id: String(id),
    workspace_id: 'x7k2pq9a',
    title,
    description: '',
    body,
    author_id: 991,
    state: 'published',
    created_at: 1790000000,
    updated_at: 1790000000 + id,
    url: `https://intercom.help/acme/en/articles/${id}-x`,
    parent_id: 5,
    parent_type: 'collection',
    default_locale: 'en',
    ...extra,
  });

  it('pages through the articles, keeps published ones and their translations, under the workspace tenant', async () => {
    ic().get('/me').reply(200, { type: 'admin', id: '9000002', email: 'bot@acme.test', app: { type: 'app', id_code: 'x7k2pq9a', name: 'Acme' } });
    ic().get('/articles').query({ page: '1', per_page: '50' }).reply(200, {
      type: 'list',
      pages: { type: 'pages', page: '1', per_page: '50', total_pages: 2 },
      total_count: 3,
      data: [
        icArticle(11, 'Change your address', '<p>Open <b>Orders</b> and pick <i>Edit address</i> before dispatch.</p>'),
        icArticle(12, 'Unreleased feature', '<p>Not yet.</p>', { state: 'draft' }),
      ],
    });
    ic().get('/articles').query({ page: '2', per_page: '50' }).reply(200, {
      type: 'list',
      pages: { type: 'pages', page: '2', per_page: '50', total_pages: 2 },
      total_count: 3,
      data: [
        icArticle(13, 'Damaged parcel', '<p>Send us a photo of the damage.</p>', {
          translated_content: {
            type: 'article_translated_content',
            fr: { type: 'article_content', title: 'Colis endommagé', body: '<p>Envoyez-nous une photo.</p>', state: 'published', url: 'https://intercom.help/acme/fr/articles/13-x', updated_at: 1790000100 },
            de: { type: 'article_content', title: 'Beschädigt', body: '<p>Entwurf</p>', state: 'draft', url: 'https://intercom.help/acme/de/articles/13-x' },
            es: null,
          },
        }),
      ],
    });
    const configured = await configuredSources(accountsOf({ INTERCOM_ACCESS_TOKEN: ICTOKEN }));
    expect(configured.map((c) => c.tenant)).toEqual(['intercom:x7k2pq9a']);
    const kb = new KnowledgeBase({ db: store.db, sources: resolverOf(configured) });
    const report = await kb.sync('intercom:x7k2pq9a');
    expect(report).toMatchObject({ source: 'intercom_articles', fetched: 3, added: 3, removed: 0, complete: true, reindexed: 3, cursor: '1790000013' });
    const stored = await loadArticles(store.db, 'intercom:x7k2pq9a');
    expect(stored.map((a) => [a.id, a.locale, a.url])).toEqual([
      ['11:en', 'en', 'https://intercom.help/acme/en/articles/11-x'],
      ['13:en', 'en', 'https://intercom.help/acme/en/articles/13-x'],
      ['13:fr', 'fr', 'https://intercom.help/acme/fr/articles/13-x'],
    ]);
    expect(stored[0]!.body).toBe('Open Orders and pick Edit address before dispatch.');
    expect((await kb.forTenant('intercom:x7k2pq9a')).query('photo damage')[0]?.articleId).toBe('13:en');
  });

  it('reads the reset time of an Intercom 429 from X-RateLimit-Reset', async () => {
    const reset = Math.floor(Date.now() / 1000) + 12;
    nock('https://api.intercom.io').get('/articles').query(true).reply(429, { type: 'error.list', errors: [{ code: 'rate_limit_exceeded', message: 'Exceeded rate limit' }] }, { 'X-RateLimit-Reset': String(reset) });
    const err = (await fetchJson('https://api.intercom.io/articles?page=1', {}, 'intercom').catch((e: unknown) => e)) as HelpdeskError;
    expect(err).toMatchObject({ provider: 'intercom', status: 429, code: 'intercom_rate_limited', permanent: false });
    expect(err.retryAfterMs).toBeGreaterThan(9_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(12_000);
    expect(err.message).toContain('rate_limit_exceeded');
  });

  it('classifies 5xx as retryable and 403/404/422 as permanent', async () => {
    const statuses = [500, 502, 403, 404, 422];
    for (const status of statuses) nock('https://api.intercom.io').get(`/status/${status}`).reply(status, {});
    const errors = await Promise.all(statuses.map((s) => fetchJson(`https://api.intercom.io/status/${s}`, {}, 'intercom').then(() => undefined, (e: HelpdeskError) => e)));
    expect(errors.every((e) => e instanceof HelpdeskError)).toBe(true);
    expect(errors.map((e) => [e?.status, e?.permanent])).toEqual([[500, false], [502, false], [403, true], [404, true], [422, true]]);
  });
});

describe('npm run knowledge:sync', () => {
  it('exits non-zero and says what to set when no help center is configured', () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'draftpilot-ks-')); // no .env here
    const result = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'scripts/knowledge-sync.ts')], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, CONFIG_FILE: path.join(ROOT, 'config/default.yaml'), DATA_DIR: path.join(cwd, 'data') },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('ZENDESK_ACCESS_TOKEN');
    expect(result.stderr).toContain('ZENDESK_OAUTH_CLIENT_ID');
    expect(result.stderr).toContain('INTERCOM_ACCESS_TOKEN');
    removeDir(cwd);
  });

  it('refuses, naming the running process, while another process has the embedded store open', async () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'draftpilot-ks-'));
    const dataDir = path.join(cwd, 'data');
    const held = await openStore({ dataDir }); // this test process plays the running server
    try {
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'scripts/knowledge-sync.ts')], {
          cwd,
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, NODE_PATH: path.join(ROOT, 'node_modules'), CONFIG_FILE: path.join(ROOT, 'config/default.yaml'), DATA_DIR: dataDir, INTERCOM_ACCESS_TOKEN: 'ic-token' },
        });
        let stderr = '';
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('close', (code) => resolve({ code, stderr }));
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`DATA_DIR ${dataDir} is in use by draftpilot process ${process.pid}`);
      expect(result.stderr).toContain('The running server syncs the help centers itself');
    } finally {
      await held.close();
      removeDir(cwd);
    }
  }, 30_000);

  it('syncs with the OAuth client alone: grants a token, seals it in the store and lists the articles with it', async () => {
    // The script is another process (nock cannot reach it): a local stand-in for Zendesk answers it.
    const seen: string[] = [];
    const body = (req: IncomingMessage) => new Promise<string>((resolve) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => resolve(text));
    });
    const server = createServer((req, res) => {
      void (async () => {
        const sent = await body(req);
        seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
        const json = (status: number, answer: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
        if (req.method === 'POST' && req.url === '/oauth/tokens') {
          const grantBody = JSON.parse(sent) as Record<string, unknown>;
          if (grantBody.grant_type !== 'client_credentials' || grantBody.client_id !== 'draftpilot' || grantBody.client_secret !== 'client-secret-xyz') return json(401, { error: 'invalid_client' });
          return json(200, { access_token: 'script-access-A', token_type: 'bearer', scope: 'read write', expires_in: 1800 });
        }
        if (req.headers.authorization !== 'Bearer script-access-A') return json(401, { error: 'invalid_token' });
        if (req.url === '/api/v2/help_center/locales.json') return json(200, { locales: ['en-us'] });
        if (req.url?.startsWith('/api/v2/help_center/en-us/articles.json')) return json(200, lastPage([zdArticle(701, 'en-us', 'Portal guns', '<p>Aim before you fire.</p>')]));
        return json(404, { error: 'RecordNotFound' });
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'draftpilot-ks-'));
    const scriptDataDir = path.join(cwd, 'data');
    try {
      const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'scripts/knowledge-sync.ts')], {
        cwd,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? cwd,
          // the PGlite thread loads tsx/cjs by name, resolved from the working directory (here a temporary one)
          NODE_PATH: path.join(ROOT, 'node_modules'),
          CONFIG_FILE: path.join(ROOT, 'config/default.yaml'),
          DATA_DIR: scriptDataDir,
          ZENDESK_SUBDOMAIN: 'aperture',
          ZENDESK_BASE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          ZENDESK_OAUTH_CLIENT_ID: 'draftpilot',
          ZENDESK_OAUTH_CLIENT_SECRET: 'client-secret-xyz',
          APP_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toContain('zendesk:aperture (zendesk_help_center): 1 article listed; 1 added');
      expect(seen).toEqual([
        'POST /oauth/tokens -',
        'GET /api/v2/help_center/locales.json Bearer script-access-A',
        'GET /api/v2/help_center/en-us/articles.json?page[size]=100 Bearer script-access-A',
      ]);
      const scriptStore = await openStore({ dataDir: scriptDataDir });
      try {
        const row = await new DbTokenStore(scriptStore.db).get('zendesk:aperture');
        expect(row?.sealed).toMatch(/^v1\./);
        expect(row?.sealed).not.toContain('script-access-A');
      } finally {
        await scriptStore.close();
      }
    } finally {
      server.close();
      removeDir(cwd);
    }
  }, 60_000);
});
