import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { parseArgs, runCli } from '../../src/cli';
import { allTagNames } from '../../src/delivery/intercom/request-bodies';
import { REASONS } from '../../src/policy/reasons';
import { applyIntercomSetup, INTERCOM_WEBHOOK_TOPICS, planIntercomSetup } from '../../src/setup/intercom-setup';
import { DryRunWriteError, HttpSetupApi } from '../../src/setup/setup-api';
import { applyZendeskSetup, planZendeskSetup, ZENDESK_WEBHOOK_EVENTS } from '../../src/setup/zendesk-setup';

const ROOT = path.resolve(__dirname, '../..');
const ZD = 'http://zendesk.test';
const ZD_TOKEN = 'zd-oauth-token-setup-0001';
const IC = 'http://intercom.test';
const IC_TOKEN = 'ic-token-setup-0001';
const PUBLIC = 'https://draftpilot.example.com';
const ENDPOINT = `${PUBLIC}/webhooks/zendesk`;
const WEBHOOK_ID = '01HSETUPWEBHOOK0000000000A';
const SECRET = 'c2lnbmluZy1zZWNyZXQtZm9yLXNldHVwLXRlc3Q=';
const LIST_QUERY = { 'filter[name_contains]': 'draftpilot', 'page[size]': '100' };

/** Requests nock could not match: with net connect disabled each also fails its call. */
let unmatched: string[] = [];
const onNoMatch = (req: { method?: string; path?: string; href?: string }) => unmatched.push(`${req.method} ${req.href ?? req.path}`);
beforeEach(() => {
  unmatched = [];
  nock.emitter.on('no match', onNoMatch);
});
afterEach(() => {
  nock.emitter.removeListener('no match', onNoMatch);
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
  expect(unmatched).toEqual([]);
});

interface Run {
  code: number;
  out: string;
  err: string;
}

async function cli(args: string[], env: Record<string, string>): Promise<Run> {
  let out = '';
  let err = '';
  const code = await runCli(args, { env: { ...env }, stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const zendeskEnv = (extra: Record<string, string> = {}) => ({ ZENDESK_BASE_URL: ZD, ZENDESK_ACCESS_TOKEN: ZD_TOKEN, ...extra });
const intercomEnv = (extra: Record<string, string> = {}) => ({ INTERCOM_BASE_URL: IC, INTERCOM_ACCESS_TOKEN: IC_TOKEN, ...extra });

const zd = () => nock(ZD, { reqheaders: { authorization: `Bearer ${ZD_TOKEN}` } });
const ic = () => nock(IC, { reqheaders: { authorization: `Bearer ${IC_TOKEN}`, 'intercom-version': '2.14' } });

const me = { user: { id: 9001, name: 'Ada Admin', email: 'ada@acme.test', role: 'admin' } };
const groups = { groups: [{ id: 360001, name: 'Support', deleted: false }, { id: 360002, name: 'Tier 2 escalations', deleted: false }], next_page: null, count: 2 };
const desiredBody = {
  webhook: {
    name: 'draftpilot',
    endpoint: ENDPOINT,
    http_method: 'POST',
    request_format: 'json',
    status: 'active',
    subscriptions: ['zen:event-type:ticket.created', 'zen:event-type:ticket.comment_added'],
  },
};
const existingWebhook = (overrides: Record<string, unknown> = {}) => ({
  id: WEBHOOK_ID,
  name: 'draftpilot',
  endpoint: ENDPOINT,
  http_method: 'POST',
  request_format: 'json',
  status: 'active',
  // Zendesk's order need not be ours: compared as a set
  subscriptions: ['zen:event-type:ticket.comment_added', 'zen:event-type:ticket.created'],
  created_at: '2026-05-01T09:00:00Z',
  ...overrides,
});
const list = (webhooks: unknown[]) => ({ webhooks, meta: { has_more: false, after_cursor: null, before_cursor: null }, links: { next: null, prev: null } });

describe('setup zendesk', () => {
  test('dry run makes GET requests only, prints the plan and no secret', async () => {
    zd().get('/api/v2/users/me.json').reply(200, me);
    zd().get('/api/v2/webhooks').query(LIST_QUERY).reply(200, list([]));
    zd().get('/api/v2/groups.json').reply(200, groups);

    const run = await cli(['setup', 'zendesk', '--dry-run', '--url', PUBLIC], zendeskEnv());

    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('--dry-run: GET requests only');
    expect(run.out).toMatch(/webhook "draftpilot"\s+create/);
    expect(run.out).toContain(`endpoint ${ENDPOINT}`);
    expect(run.out).toContain('zen:event-type:ticket.created, zen:event-type:ticket.comment_added');
    expect(run.out).toMatch(/triggers\s+none created/);
    expect(run.out).toContain('nothing to create: Zendesk tags are free-form');
    expect(run.out).toContain('suggested: ZENDESK_ESCALATION_GROUP_ID=360002');
    expect(run.out).toContain('suggested ZENDESK_BOT_USER_ID=9001');
    expect(run.out).toContain('Dry run: nothing was changed (3 GET requests)');
    expect(run.out).not.toContain('ZENDESK_WEBHOOK_SECRETS=');
  });

  test('a dry-run api refuses a write before anything is sent', async () => {
    zd().get('/api/v2/users/me.json').reply(200, me);
    zd().get('/api/v2/webhooks').query(LIST_QUERY).reply(200, list([]));
    zd().get('/api/v2/groups.json').reply(200, groups);
    const api = new HttpSetupApi({ provider: 'zendesk', baseUrl: ZD, headers: { authorization: `Bearer ${ZD_TOKEN}` }, readOnly: true });

    const plan = await planZendeskSetup(api, { publicUrl: PUBLIC });
    expect(plan.webhook.action).toBe('create');
    await expect(applyZendeskSetup(api, plan)).rejects.toBeInstanceOf(DryRunWriteError);
    expect(api.calls.map((c) => c.method)).toEqual(['GET', 'GET', 'GET']);
  });

  test('first run creates the webhook with the exact body and prints the secret line once', async () => {
    zd().get('/api/v2/users/me.json').reply(200, me);
    zd().get('/api/v2/webhooks').query(LIST_QUERY).reply(200, list([]));
    zd().get('/api/v2/groups/360002.json').reply(200, { group: { id: 360002, name: 'Tier 2 escalations', deleted: false } });
    zd().post('/api/v2/webhooks', desiredBody).reply(201, { webhook: existingWebhook() });
    zd().get(`/api/v2/webhooks/${WEBHOOK_ID}/signing_secret`).reply(200, { signing_secret: { algorithm: 'SHA256', secret: SECRET } });

    const run = await cli(['setup', 'zendesk', `--url=${PUBLIC}/`], zendeskEnv({ ZENDESK_ESCALATION_GROUP_ID: '360002', ZENDESK_BOT_USER_ID: '9001' }));

    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain(`created (id ${WEBHOOK_ID})`);
    expect(run.out.split('\n').filter((l) => l.includes(SECRET))).toEqual([`ZENDESK_WEBHOOK_SECRETS=${SECRET}`]);
    expect(run.out).toContain('ZENDESK_ESCALATION_GROUP_ID=360002: group "Tier 2 escalations" exists');
    expect(run.out).toContain('Zendesk setup done.');
  });

  test('re-run with a matching webhook writes nothing and does not print a secret already configured', async () => {
    zd().get('/api/v2/users/me.json').reply(200, me);
    zd().get('/api/v2/webhooks').query(LIST_QUERY).reply(200, list([existingWebhook(), existingWebhook({ id: 'other', name: 'draftpilot-staging' })]));
    zd().get('/api/v2/groups.json').reply(200, groups);
    zd().get(`/api/v2/webhooks/${WEBHOOK_ID}/signing_secret`).reply(200, { signing_secret: { algorithm: 'SHA256', secret: SECRET } });

    const run = await cli(['setup', 'zendesk', '--url', PUBLIC], zendeskEnv({ ZENDESK_WEBHOOK_SECRETS: `${SECRET},olderSecret123` }));

    expect(run.code).toBe(0);
    expect(run.out).toMatch(/webhook "draftpilot"\s+unchanged \(matches\)/);
    expect(run.out).toContain("ZENDESK_WEBHOOK_SECRETS already contains this webhook's signing secret");
    expect(run.out).not.toContain(SECRET);
  });

  test('a changed endpoint is updated with PUT and the exact body', async () => {
    zd().get('/api/v2/users/me.json').reply(200, me);
    zd().get('/api/v2/webhooks').query(LIST_QUERY).reply(200, list([existingWebhook({ endpoint: 'https://old-host.example.com/webhooks/zendesk' })]));
    zd().get('/api/v2/groups.json').reply(200, groups);
    zd().put(`/api/v2/webhooks/${WEBHOOK_ID}`, desiredBody).reply(204);
    zd().get(`/api/v2/webhooks/${WEBHOOK_ID}/signing_secret`).reply(200, { signing_secret: { algorithm: 'SHA256', secret: SECRET } });

    const run = await cli(['setup', 'zendesk', '--url', PUBLIC], zendeskEnv());

    expect(run.code).toBe(0);
    expect(run.out).toContain(`change   endpoint: https://old-host.example.com/webhooks/zendesk -> ${ENDPOINT}`);
    expect(run.out).toContain(`updated (id ${WEBHOOK_ID})`);
    expect(run.out).toContain(`ZENDESK_WEBHOOK_SECRETS=${SECRET}`);
  });

  test('missing subscriptions and an inactive webhook are a difference too', async () => {
    zd().get('/api/v2/users/me.json').reply(200, me);
    zd().get('/api/v2/webhooks').query(LIST_QUERY).reply(200, list([existingWebhook({ status: 'inactive', subscriptions: ['zen:event-type:ticket.created'] })]));
    zd().get('/api/v2/groups.json').reply(200, groups);
    const api = new HttpSetupApi({ provider: 'zendesk', baseUrl: ZD, headers: { authorization: `Bearer ${ZD_TOKEN}` }, readOnly: true });

    const plan = await planZendeskSetup(api, { publicUrl: PUBLIC });

    expect(plan.webhook.action).toBe('update');
    expect(plan.webhook.changes).toEqual(['status: inactive -> active', `subscriptions: zen:event-type:ticket.created -> ${[...ZENDESK_WEBHOOK_EVENTS].sort().join(', ')}`]);
  });

  test('a trigger-connected webhook of the same name is reported, not rewritten (exit 1, no write)', async () => {
    zd().get('/api/v2/users/me.json').reply(200, me);
    zd().get('/api/v2/webhooks').query(LIST_QUERY).reply(200, list([existingWebhook({ subscriptions: ['conditional_ticket_events'] })]));
    zd().get('/api/v2/groups.json').reply(200, groups);

    const run = await cli(['setup', 'zendesk', '--url', PUBLIC], zendeskEnv());

    expect(run.code).toBe(1);
    expect(run.out).toContain('cannot change a webhook\'s connection method');
    expect(run.out).toContain('Zendesk setup incomplete');
    expect(run.out).not.toContain('ZENDESK_WEBHOOK_SECRETS=');
  });

  test('a configured escalation group that does not exist is a problem, with the groups to choose from', async () => {
    zd().get('/api/v2/users/me.json').reply(200, me);
    zd().get('/api/v2/webhooks').query(LIST_QUERY).reply(200, list([existingWebhook()]));
    zd().get('/api/v2/groups/777.json').reply(404, { error: 'RecordNotFound', description: 'Not found' });
    zd().get('/api/v2/groups.json').reply(200, groups);

    const run = await cli(['setup', 'zendesk', '--dry-run', '--url', PUBLIC], zendeskEnv({ ZENDESK_ESCALATION_GROUP_ID: '777' }));

    expect(run.code).toBe(1);
    expect(run.out).toContain('ZENDESK_ESCALATION_GROUP_ID=777: no such group');
    expect(run.out).toContain('360001 "Support", 360002 "Tier 2 escalations" (suggested)');
  });

  test('a 401 exits 1 with a message naming ZENDESK_ACCESS_TOKEN', async () => {
    zd().get('/api/v2/users/me.json').reply(401, { error: 'invalid_token', description: 'The access token provided is expired, revoked, malformed or invalid' });

    const run = await cli(['setup', 'zendesk', '--url', PUBLIC], zendeskEnv());

    expect(run.code).toBe(1);
    expect(run.out).toBe('');
    expect(run.err).toContain('Zendesk refused ZENDESK_ACCESS_TOKEN (401)');
    expect(run.err).toContain('answered 401 (invalid_token');
    expect(run.err).not.toContain(ZD_TOKEN);
  });

  test('OAuth client credentials: one token grant, then the same GET-only dry run with the granted token', async () => {
    nock(ZD)
      .post('/oauth/tokens', { grant_type: 'client_credentials', client_id: 'draftpilot_setup', client_secret: 'client-secret-0001', scope: 'read write' })
      .reply(200, { access_token: 'granted-token-0001', token_type: 'bearer', scope: 'read write', expires_in: 1800 });
    const granted = () => nock(ZD, { reqheaders: { authorization: 'Bearer granted-token-0001' } });
    granted().get('/api/v2/users/me.json').reply(200, me);
    granted().get('/api/v2/webhooks').query(LIST_QUERY).reply(200, list([existingWebhook()]));
    granted().get('/api/v2/groups.json').reply(200, groups);

    // No APP_ENCRYPTION_KEY: setup keeps the token in memory for the run only.
    const run = await cli(['setup', 'zendesk', '--dry-run', '--url', PUBLIC], { ZENDESK_BASE_URL: ZD, ZENDESK_OAUTH_CLIENT_ID: 'draftpilot_setup', ZENDESK_OAUTH_CLIENT_SECRET: 'client-secret-0001' });

    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('one token request, POST /oauth/tokens');
    expect(run.out).toMatch(/webhook "draftpilot"\s+unchanged \(matches\)/);
    expect(run.out).not.toContain('granted-token-0001');
  });

  test('no --url and no credentials: exit 2 naming both, nothing sent', async () => {
    const run = await cli(['setup', 'zendesk'], {});
    expect(run.code).toBe(2);
    expect(run.err).toContain('ZENDESK_ACCESS_TOKEN');
    expect(run.err).toContain('--url');
  });
});

describe('setup intercom', () => {
  const wanted = allTagNames(REASONS);
  const meBody = { type: 'admin', id: '991', name: 'Ada Admin', email: 'ada@acme.test', app: { type: 'app', id_code: 'abc123xy', name: 'Acme', region: 'US' } };
  const teams = { type: 'team.list', teams: [{ type: 'team', id: '5001', name: 'Billing' }, { type: 'team', id: '5002', name: 'Escalations' }] };
  const someTags = { type: 'list', data: [{ type: 'tag', id: '1', name: 'draftpilot_review' }, { type: 'tag', id: '2', name: 'DraftPilot_Escalated' }, { type: 'tag', id: '3', name: 'vip' }] };
  const missing = wanted.filter((n) => n !== 'draftpilot_review' && n !== 'draftpilot_escalated');
  const allTags = { type: 'list', data: wanted.map((name, i) => ({ type: 'tag', id: String(100 + i), name })) };

  test('dry run lists the missing tags, the admin and team to set, the webhook topics; no write', async () => {
    ic().get('/me').reply(200, meBody);
    ic().get('/tags').reply(200, someTags);
    ic().get('/teams').reply(200, teams);

    const run = await cli(['setup', 'intercom', '--dry-run', '--url', PUBLIC], intercomEnv());

    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/workspace\s+abc123xy "Acme" \(region US\)/);
    expect(run.out).toContain('Ada Admin <ada@acme.test>, admin id 991');
    expect(run.out).toContain('suggested INTERCOM_ADMIN_ID=991');
    expect(run.out).toContain(`${wanted.length} used: 2 already there, ${missing.length} to create`);
    const createList = run.out.slice(run.out.indexOf('create:'), run.out.indexOf('escalation team'));
    expect(missing.filter((name) => !createList.includes(name))).toEqual([]);
    expect(createList).not.toMatch(/draftpilot_review|draftpilot_escalated/i);
    expect(run.out).toContain('suggested: INTERCOM_ESCALATION_TEAM_ID=5002');
    expect(run.out).toContain(`${PUBLIC}/webhooks/intercom`);
    for (const topic of INTERCOM_WEBHOOK_TOPICS) expect(run.out).toContain(topic);
    expect(run.out).toContain('INTERCOM_CLIENT_SECRETS is not set');
    expect(run.out).toContain('Dry run: nothing was changed (3 GET requests)');
  });

  test('a run creates only the missing tags, each with {name}', async () => {
    ic().get('/me').reply(200, meBody);
    ic().get('/tags').reply(200, someTags);
    ic().get('/teams').reply(200, teams);
    missing.forEach((name, i) => ic().post('/tags', { name }).reply(200, { type: 'tag', id: String(200 + i), name }));

    const run = await cli(['setup', 'intercom'], intercomEnv({ INTERCOM_ADMIN_ID: '991', INTERCOM_ESCALATION_TEAM_ID: '5002', INTERCOM_CLIENT_SECRETS: 'clientSecretAbc123' }));

    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain(`created ${missing.length}:`);
    expect(run.out).toContain('draftpilot_autopilot (id 200), draftpilot_reason_negative_sentiment (id 201)');
    expect(run.out).toMatch(/INTERCOM_ADMIN_ID\s+991: the token's admin/);
    expect(run.out).toContain('INTERCOM_ESCALATION_TEAM_ID=5002: team "Escalations" exists');
    expect(run.out).toContain('INTERCOM_CLIENT_SECRETS is set (1 secret)');
    expect(run.out).toContain('https://<your host>/webhooks/intercom');
    expect(run.out).not.toContain('clientSecretAbc123');
    expect(run.out).toContain('Intercom setup done.');
  });

  test('a re-run with every tag present creates none', async () => {
    ic().get('/me').reply(200, meBody);
    ic().get('/tags').reply(200, allTags);
    ic().get('/teams').reply(200, teams);
    const api = new HttpSetupApi({ provider: 'intercom', baseUrl: IC, headers: { authorization: `Bearer ${IC_TOKEN}`, 'intercom-version': '2.14' } });

    const plan = await planIntercomSetup(api, { clientSecretsConfigured: 0 });
    const result = await applyIntercomSetup(api, plan);

    expect(plan.tags.missing).toEqual([]);
    expect(result.created).toEqual([]);
    expect(api.calls).toEqual([
      { method: 'GET', path: '/me' },
      { method: 'GET', path: '/tags' },
      { method: 'GET', path: '/teams' },
    ]);
  });

  test('a configured team or admin that does not exist is a problem (exit 1)', async () => {
    ic().get('/me').reply(200, meBody);
    ic().get('/admins/424242').reply(404, { type: 'error.list', errors: [{ code: 'admin_not_found', message: 'Admin Not Found' }] });
    ic().get('/tags').reply(200, allTags);
    ic().get('/teams').reply(200, teams);

    const run = await cli(['setup', 'intercom'], intercomEnv({ INTERCOM_ADMIN_ID: '424242', INTERCOM_ESCALATION_TEAM_ID: '9999' }));

    expect(run.code).toBe(1);
    expect(run.out).toContain('INTERCOM_ADMIN_ID=424242: no such admin');
    expect(run.out).toContain('INTERCOM_ESCALATION_TEAM_ID=9999: no such team');
    expect(run.out).toContain('none created, all exist');
  });

  test('a 401 exits 1 with a message naming INTERCOM_ACCESS_TOKEN', async () => {
    ic().get('/me').reply(401, { type: 'error.list', request_id: 'r1', errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] });

    const run = await cli(['setup', 'intercom', '--dry-run'], intercomEnv());

    expect(run.code).toBe(1);
    expect(run.err).toContain('Intercom refused INTERCOM_ACCESS_TOKEN (401)');
    expect(run.err).toContain('INTERCOM_BASE_URL');
    expect(run.err).toContain('unauthorized: Access Token Invalid');
    expect(run.err).not.toContain(IC_TOKEN);
  });
});

describe('draftpilot CLI', () => {
  test('arguments: usage errors exit 2', async () => {
    expect(parseArgs(['setup', 'zendesk', '--dry-run', '--url', PUBLIC])).toEqual({ help: false, provider: 'zendesk', dryRun: true, url: PUBLIC });
    for (const args of [['setup'], ['setup', 'freshdesk'], ['deploy', 'zendesk'], ['setup', 'intercom', '--force'], ['setup', 'zendesk', '--url'], ['--dry-run']]) {
      const run = await cli(args, intercomEnv());
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.out).toBe('');
    }
    const bad = await cli(['setup', 'intercom', '--url', 'ftp://host'], intercomEnv());
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('must start with https://');
  });

  test('run as a child process without credentials: exit 2 and a message naming what to set', () => {
    // An empty working directory (no .env to pick up) and an environment without any helpdesk variable.
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'draftpilot-setup-cli-'));
    try {
      const child = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(ROOT, 'src/cli.ts'), 'setup', 'zendesk', '--dry-run', '--url', PUBLIC], {
        cwd,
        env: { PATH: process.env.PATH ?? '', CONFIG_FILE: path.join(ROOT, 'config/default.yaml') },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(child.error).toBeUndefined();
      expect(child.stdout).toBe('');
      expect(child.stderr).toContain('draftpilot: setup zendesk cannot start');
      expect(child.stderr).toContain('set ZENDESK_SUBDOMAIN (or ZENDESK_BASE_URL) and ZENDESK_ACCESS_TOKEN');
      expect(child.status).toBe(2);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
