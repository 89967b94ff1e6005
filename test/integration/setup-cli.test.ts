import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { parseArgs, runCli } from '../../src/cli';
import { allTagNames } from '../../src/delivery/intercom/request-bodies';
import { REASONS } from '../../src/policy/reasons';
import { applyIntercomSetup, INTERCOM_WEBHOOK_TOPICS, planIntercomSetup } from '../../src/setup/intercom-setup';
import { DryRunWriteError, HttpSetupApi } from '../../src/setup/setup-api';
import { applyZendeskSetup, planZendeskSetup } from '../../src/setup/zendesk-setup';
import { ZENDESK_WEBHOOK_EVENTS } from '../../src/setup/zendesk-webhooks';
import { triggerBodySchema } from '../../src/edge/zendesk/schema';
import { useStrictNock } from '../helpers/strict-nock';

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

useStrictNock();

// Every run gets an empty working directory: the default .env (read, and written by setup zendesk) is
// <cwd>/.env, never the checkout's.
let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(path.join(os.tmpdir(), 'draftpilot-setup-'));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});
const dotEnv = () => path.join(cwd, '.env');

interface Run {
  code: number;
  out: string;
  err: string;
}

async function cli(args: string[], env: Record<string, string>): Promise<Run> {
  let out = '';
  let err = '';
  const code = await runCli(args, { env: { ...env }, cwd, stdout: (t) => (out += t), stderr: (t) => (err += t) });
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
    subscriptions: ['zen:event-type:ticket.created', 'zen:event-type:ticket.comment_added', 'zen:event-type:ticket.status_changed'],
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
  subscriptions: ['zen:event-type:ticket.status_changed', 'zen:event-type:ticket.comment_added', 'zen:event-type:ticket.created'],
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
    expect(run.out).toContain('zen:event-type:ticket.created, zen:event-type:ticket.comment_added, zen:event-type:ticket.status_changed');
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

  const firstRun = () => {
    zd().get('/api/v2/users/me.json').reply(200, me);
    zd().get('/api/v2/webhooks').query(LIST_QUERY).reply(200, list([]));
    zd().get('/api/v2/groups/360002.json').reply(200, { group: { id: 360002, name: 'Tier 2 escalations', deleted: false } });
    zd().post('/api/v2/webhooks', desiredBody).reply(201, { webhook: existingWebhook() });
    zd().get(`/api/v2/webhooks/${WEBHOOK_ID}/signing_secret`).reply(200, { signing_secret: { algorithm: 'SHA256', secret: SECRET } });
  };

  test('first run creates the webhook with the exact body and stores the secret in .env, the old ones after it', async () => {
    firstRun();
    const before = '# draftpilot\nPORT=3000\n\n# newest first\nZENDESK_WEBHOOK_SECRETS=olderSecret123,oldestSecret456\nLOG_LEVEL=info\n';
    writeFileSync(dotEnv(), before);
    chmodSync(dotEnv(), 0o640);

    const run = await cli(['setup', 'zendesk', `--url=${PUBLIC}/`], zendeskEnv({ ZENDESK_ESCALATION_GROUP_ID: '360002', ZENDESK_BOT_USER_ID: '9001' }));

    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain(`created (id ${WEBHOOK_ID})`);
    expect(run.out).toContain(`read after the webhook is set up and stored in ${dotEnv()}\n`);
    expect(run.out).toContain(`ZENDESK_WEBHOOK_SECRETS updated in ${dotEnv()} (restart draftpilot to load it)`);
    expect(run.out).toContain('(2 previously configured secrets kept after the new one');
    expect(run.out).not.toContain('note ');
    // stored, so never printed
    expect(run.out).not.toContain(SECRET);
    expect(run.out).not.toContain('ZENDESK_WEBHOOK_SECRETS=');
    expect(readFileSync(dotEnv(), 'utf8')).toBe(before.replace('ZENDESK_WEBHOOK_SECRETS=olderSecret123', `ZENDESK_WEBHOOK_SECRETS=${SECRET},olderSecret123`));
    expect(statSync(dotEnv()).mode & 0o777).toBe(0o640);
    expect(readdirSync(cwd)).toEqual(['.env']);
    expect(run.out).toContain('ZENDESK_ESCALATION_GROUP_ID=360002: group "Tier 2 escalations" exists');
    expect(run.out).toContain('Zendesk setup done.');
  });

  test('a second run reads the secret from the --dotenv file it stored it in, and leaves the file alone', async () => {
    const file = path.join(cwd, 'conf', 'draftpilot.env');
    mkdirSync(path.dirname(file));
    // credentials and settings from the file only: --dotenv is also the file read at start
    writeFileSync(file, `ZENDESK_BASE_URL=${ZD}\nZENDESK_ACCESS_TOKEN=${ZD_TOKEN}\nZENDESK_ESCALATION_GROUP_ID=360002\nZENDESK_BOT_USER_ID=9001\n`);
    firstRun();
    const first = await cli(['setup', 'zendesk', '--url', PUBLIC, '--dotenv', 'conf/draftpilot.env'], {});
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toContain(`ZENDESK_WEBHOOK_SECRETS updated in ${file} (restart draftpilot to load it)`);
    expect(first.out).not.toContain('previously configured');
    const stored = readFileSync(file, 'utf8');
    expect(stored).toMatch(new RegExp(`\nZENDESK_WEBHOOK_SECRETS=${SECRET.replace(/[+/=]/g, '\\$&')}\n$`));
    const past = new Date('2024-01-01T00:00:00Z');
    utimesSync(file, past, past);

    zd().get('/api/v2/users/me.json').reply(200, me);
    zd().get('/api/v2/webhooks').query(LIST_QUERY).reply(200, list([existingWebhook()]));
    zd().get('/api/v2/groups/360002.json').reply(200, { group: { id: 360002, name: 'Tier 2 escalations', deleted: false } });
    zd().get(`/api/v2/webhooks/${WEBHOOK_ID}/signing_secret`).reply(200, { signing_secret: { algorithm: 'SHA256', secret: SECRET } });
    const second = await cli(['setup', 'zendesk', '--url', PUBLIC, `--dotenv=${file}`], {});

    expect(second.err).toBe('');
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/webhook "draftpilot"\s+unchanged \(matches\)/);
    expect(second.out).toContain("ZENDESK_WEBHOOK_SECRETS already contains this webhook's signing secret");
    expect(second.out).not.toContain('updated in');
    expect(second.out).not.toContain(SECRET);
    expect(readFileSync(file, 'utf8')).toBe(stored);
    expect(statSync(file).mtime).toEqual(past);
    expect(readdirSync(path.dirname(file))).toEqual(['draftpilot.env']);
  });

  test('a new file gets mode 0600; secrets set in the environment are kept, with a note that the environment wins', async () => {
    firstRun();
    const run = await cli(['setup', 'zendesk', '--url', PUBLIC], zendeskEnv({ ZENDESK_ESCALATION_GROUP_ID: '360002', ZENDESK_BOT_USER_ID: '9001', ZENDESK_WEBHOOK_SECRETS: 'envSecret789' }));

    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(readFileSync(dotEnv(), 'utf8')).toBe(`ZENDESK_WEBHOOK_SECRETS=${SECRET},envSecret789\n`);
    expect(statSync(dotEnv()).mode & 0o777).toBe(0o600);
    expect(run.out).toContain('(1 previously configured secret kept after the new one');
    expect(run.out).toMatch(/note\s+ZENDESK_WEBHOOK_SECRETS is also set in the environment this command ran in/);
    expect(run.out).not.toContain(SECRET);
  });

  test('--dry-run says where the secret would be stored and writes nothing', async () => {
    zd().get('/api/v2/users/me.json').reply(200, me);
    zd().get('/api/v2/webhooks').query(LIST_QUERY).reply(200, list([]));
    zd().get('/api/v2/groups.json').reply(200, groups);
    const file = path.join(cwd, 'draftpilot.env');

    const run = await cli(['setup', 'zendesk', '--dry-run', '--url', PUBLIC, '--dotenv', file], zendeskEnv());

    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain(`not read in a dry run; a run would store the signing secret in ${file}\n`);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(cwd)).toEqual([]);
  });

  test('--no-store prints the secret line as before and writes no file', async () => {
    firstRun();
    writeFileSync(dotEnv(), 'PORT=3000\n');

    const run = await cli(['setup', 'zendesk', '--url', PUBLIC, '--no-store'], zendeskEnv({ ZENDESK_ESCALATION_GROUP_ID: '360002', ZENDESK_BOT_USER_ID: '9001' }));

    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/signing secret\s+read after the webhook is set up, for ZENDESK_WEBHOOK_SECRETS\n/);
    expect(run.out).toContain("put this line into draftpilot's environment (.env) and restart draftpilot:");
    expect(run.out.split('\n').filter((l) => l.includes(SECRET))).toEqual([`ZENDESK_WEBHOOK_SECRETS=${SECRET}`]);
    expect(run.out).not.toContain('updated in');
    expect(readFileSync(dotEnv(), 'utf8')).toBe('PORT=3000\n');
    expect(readdirSync(cwd)).toEqual(['.env']);
  });

  test('an env file that cannot be written: the secret line is printed, exit 1, the message names the path and the reason', async () => {
    firstRun();
    const file = path.join(cwd, 'missing-dir', '.env');

    const run = await cli(['setup', 'zendesk', '--url', PUBLIC, '--dotenv', file], zendeskEnv({ ZENDESK_ESCALATION_GROUP_ID: '360002', ZENDESK_BOT_USER_ID: '9001' }));

    expect(run.code).toBe(1);
    expect(run.out).toContain(`created (id ${WEBHOOK_ID})`);
    expect(run.out).toContain(`not stored in ${file} (see the problem below): put this line into draftpilot's environment`);
    expect(run.out.split('\n').filter((l) => l.includes(SECRET))).toEqual([`ZENDESK_WEBHOOK_SECRETS=${SECRET}`]);
    expect(run.out).toContain(`ZENDESK_WEBHOOK_SECRETS was not stored: cannot write ${file}: its directory does not exist (ENOENT)`);
    expect(run.out).toContain('Zendesk setup incomplete');
    expect(run.err).toContain(`draftpilot setup zendesk: cannot write ${file}: its directory does not exist (ENOENT)`);
    expect(run.err).not.toContain(SECRET);
    expect(readdirSync(cwd)).toEqual([]);
  });

  test('an env file that is a directory is refused before anything is sent (exit 2)', async () => {
    const run = await cli(['setup', 'zendesk', '--url', PUBLIC, '--dotenv', cwd], zendeskEnv());

    expect(run.code).toBe(2);
    expect(run.out).toBe('');
    expect(run.err).toContain(`cannot read ${cwd}: it is a directory`);
  });

  test('--dotenv and --no-store are parsed; --no-store belongs to setup zendesk, --dotenv needs a value, --env-file is refused', async () => {
    expect(parseArgs(['setup', 'zendesk', '--url', PUBLIC, '--dotenv', '/etc/draftpilot.env', '--no-store'])).toEqual({ help: false, provider: 'zendesk', dryRun: false, url: PUBLIC, envFile: '/etc/draftpilot.env', store: false });
    expect(parseArgs(['setup', 'intercom', '--dotenv=prod.env'])).toEqual({ help: false, provider: 'intercom', dryRun: false, envFile: 'prod.env' });
    const noStore = await cli(['setup', 'intercom', '--no-store'], intercomEnv());
    expect(noStore.code).toBe(2);
    expect(noStore.err).toContain('--no-store: it belongs to setup zendesk');
    for (const args of [['setup', 'zendesk', '--dotenv'], ['setup', 'zendesk', '--dotenv', '--dry-run'], ['setup', 'zendesk', '--dotenv=']]) {
      const run = await cli(args, zendeskEnv());
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.err).toContain('--dotenv needs a value');
    }
    // Node.js itself acts on --env-file anywhere on its command line (nodejs/node#54232); when it lets
    // one through (the file exists), the message points to --dotenv.
    const envFile = await cli(['setup', 'zendesk', '--url', PUBLIC, '--env-file', '.env'], zendeskEnv());
    expect(envFile.code).toBe(2);
    expect(envFile.err).toContain('unknown option --env-file: Node.js reads --env-file itself (and exits when the file is missing); use --dotenv <path>');
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
    expect(readFileSync(dotEnv(), 'utf8')).toBe(`ZENDESK_WEBHOOK_SECRETS=${SECRET}\n`);
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

describe('setup zendesk --triggers', () => {
  const TRIGGER_WEBHOOK_ID = '01HSETUPTRIGGERHOOK000000B';
  const TRIGGER_SECRET = 'dHJpZ2dlci13ZWJob29rLXNpZ25pbmctc2VjcmV0LTE=';
  const SEARCH_QUERY = { query: 'draftpilot' };
  const triggerWebhookBody = {
    webhook: { name: 'draftpilot-triggers', endpoint: ENDPOINT, http_method: 'POST', request_format: 'json', status: 'active', subscriptions: ['conditional_ticket_events'] },
  };
  const existingTriggerWebhook = (overrides: Record<string, unknown> = {}) => ({ ...existingWebhook(), id: TRIGGER_WEBHOOK_ID, name: 'draftpilot-triggers', subscriptions: ['conditional_ticket_events'], ...overrides });
  // Written out here rather than read from trigger-body.json, so a change to the template shows up in this test.
  const body = (event: string) => ({
    draftpilot_trigger: 1,
    event,
    ticket_id: '{{ticket.id}}',
    requester_id: '{{ticket.requester.id}}',
    comment_author_id: '{{current_user.id}}',
    comment_public: '{{ticket.latest_comment.is_public}}',
    status: '{{ticket.status}}',
  });
  const createdTrigger = {
    trigger: {
      title: 'draftpilot: ticket created',
      active: true,
      conditions: { all: [{ field: 'update_type', operator: 'is', value: 'Create' }], any: [] },
      actions: [{ field: 'notification_webhook', value: [TRIGGER_WEBHOOK_ID, JSON.stringify(body('ticket.created'), null, 2)] }],
    },
  };
  const commentTrigger = {
    trigger: {
      title: 'draftpilot: public comment by requester',
      active: true,
      conditions: {
        all: [
          { field: 'update_type', operator: 'is', value: 'Change' },
          { field: 'comment_is_public', operator: 'is', value: 'true' },
          { field: 'requester_id', operator: 'is', value: 'current_user' },
        ],
        any: [],
      },
      actions: [{ field: 'notification_webhook', value: [TRIGGER_WEBHOOK_ID, JSON.stringify(body('comment.added'), null, 2)] }],
    },
  };
  /** A trigger as Zendesk lists it: numeric id, its own field order, the body re-serialised compactly. */
  const listed = (id: number, sent: typeof createdTrigger, overrides: Record<string, unknown> = {}) => {
    const [webhookId, text] = sent.trigger.actions[0]!.value;
    return {
      id,
      url: `${ZD}/api/v2/triggers/${id}.json`,
      position: 40 + id,
      raw_title: sent.trigger.title,
      default: false,
      description: null,
      category_id: '9000',
      ...sent.trigger,
      conditions: { all: [...sent.trigger.conditions.all].reverse(), any: [] },
      actions: [{ field: 'notification_webhook', value: [webhookId, JSON.stringify(JSON.parse(text!))] }],
      ...overrides,
    };
  };
  const search = (triggers: unknown[]) => ({ triggers, next_page: null, previous_page: null, count: triggers.length });
  const secret = (id: string, value: string) => zd().get(`/api/v2/webhooks/${id}/signing_secret`).reply(200, { signing_secret: { algorithm: 'SHA256', secret: value } });

  test('the trigger body is trigger-body.json with the event set, and accepted once Zendesk fills in the placeholders', () => {
    for (const sent of [createdTrigger, commentTrigger]) {
      const filled = sent.trigger.actions[0]!.value[1]!.replace(/\{\{[^}]+\}\}/g, (p) => (p.includes('is_public') ? 'true' : p.includes('status') ? 'open' : '4242'));
      expect(triggerBodySchema.safeParse(JSON.parse(filled)).success).toBe(true);
    }
    const template = JSON.parse(readFileSync(path.join(ROOT, 'webhooks/zendesk/setup/trigger-body.json'), 'utf8')) as Record<string, unknown>;
    expect({ ...template, event: 'ticket.created' }).toEqual(body('ticket.created'));
  });

  test('dry run makes GET requests only and plans the trigger webhook and both triggers', async () => {
    zd().get('/api/v2/users/me.json').reply(200, me);
    zd().get('/api/v2/webhooks').query(LIST_QUERY).reply(200, list([existingWebhook()]));
    zd().get('/api/v2/triggers/search.json').query(SEARCH_QUERY).reply(200, search([{ ...listed(7, createdTrigger), id: 7, title: 'VIP: notify manager (draftpilot)' }]));
    zd().get('/api/v2/groups.json').reply(200, groups);

    const run = await cli(['setup', 'zendesk', '--dry-run', '--triggers', '--url', PUBLIC], zendeskEnv());

    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/webhook "draftpilot"\s+unchanged \(matches\)/);
    expect(run.out).toMatch(/trigger webhook\s+"draftpilot-triggers": create\n/);
    expect(run.out).toContain('connection triggers and automations (conditional_ticket_events)');
    expect(run.out).toMatch(/trigger\s+"draftpilot: ticket created": create\n\s+when\s+update_type is Create\n/);
    expect(run.out).toMatch(/trigger\s+"draftpilot: public comment by requester": create\n\s+when\s+update_type is Change and comment_is_public is true and requester_id is current_user\n/);
    expect(run.out).toContain('notify "draftpilot-triggers" with trigger-body.json, "event": "comment.added"');
    expect(run.out).not.toMatch(/triggers\s+none created/);
    expect(run.out).toContain('Dry run: nothing was changed (4 GET requests)');
    expect(run.out).not.toContain('ZENDESK_WEBHOOK_SECRETS=');
  });

  test('first run creates the trigger webhook and both triggers with the exact bodies, and stores one secrets line', async () => {
    zd().get('/api/v2/users/me.json').reply(200, me);
    zd().get('/api/v2/webhooks').query(LIST_QUERY).reply(200, list([existingWebhook()]));
    zd().get('/api/v2/triggers/search.json').query(SEARCH_QUERY).reply(200, search([]));
    zd().get('/api/v2/groups.json').reply(200, groups);
    zd().post('/api/v2/webhooks', triggerWebhookBody).reply(201, { webhook: existingTriggerWebhook() });
    zd().post('/api/v2/triggers.json', createdTrigger).reply(201, { trigger: listed(101, createdTrigger) });
    zd().post('/api/v2/triggers.json', commentTrigger).reply(201, { trigger: listed(102, commentTrigger) });
    secret(WEBHOOK_ID, SECRET);
    secret(TRIGGER_WEBHOOK_ID, TRIGGER_SECRET);
    writeFileSync(dotEnv(), `ZENDESK_WEBHOOK_SECRETS=${SECRET}\n`);

    const run = await cli(['setup', 'zendesk', '--triggers', '--url', PUBLIC], zendeskEnv());

    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/webhook "draftpilot"\s+unchanged/);
    expect(run.out).toContain(`"draftpilot-triggers": created (id ${TRIGGER_WEBHOOK_ID})`);
    expect(run.out).toContain('"draftpilot: ticket created": created (id 101)');
    expect(run.out).toContain('"draftpilot: public comment by requester": created (id 102)');
    // One line holds both secrets, the event webhook's first: it replaces the variable as a whole.
    expect(readFileSync(dotEnv(), 'utf8')).toBe(`ZENDESK_WEBHOOK_SECRETS=${SECRET},${TRIGGER_SECRET}\n`);
    expect(run.out).toContain(`ZENDESK_WEBHOOK_SECRETS updated in ${dotEnv()}`);
    expect(run.out).toContain("(the event webhook's secret first, then the trigger webhook's)");
    expect(run.out).not.toContain('previously configured');
    expect(run.out).not.toContain(SECRET);
    expect(run.out).not.toContain(TRIGGER_SECRET);
    expect(run.out).toContain('Zendesk setup done.');
  });

  test('re-run with the webhooks and triggers matching writes nothing', async () => {
    zd().get('/api/v2/users/me.json').reply(200, me);
    zd().get('/api/v2/webhooks').query(LIST_QUERY).reply(200, list([existingWebhook(), existingTriggerWebhook()]));
    const comment = listed(102, commentTrigger);
    comment.conditions.all = comment.conditions.all.map((c) => (c.field === 'comment_is_public' ? { ...c, value: true as unknown as string } : c));
    zd().get('/api/v2/triggers/search.json').query(SEARCH_QUERY).reply(200, search([listed(101, createdTrigger), comment]));
    zd().get('/api/v2/groups.json').reply(200, groups);
    secret(WEBHOOK_ID, SECRET);
    secret(TRIGGER_WEBHOOK_ID, TRIGGER_SECRET);

    const run = await cli(['setup', 'zendesk', '--triggers', '--url', PUBLIC], zendeskEnv({ ZENDESK_WEBHOOK_SECRETS: `${SECRET},${TRIGGER_SECRET}` }));

    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/trigger webhook\s+"draftpilot-triggers": unchanged \(matches\)/);
    expect(run.out).toContain('"draftpilot: ticket created": unchanged (matches) (id 101)');
    expect(run.out).toContain('"draftpilot: public comment by requester": unchanged (matches) (id 102)');
    expect(run.out).not.toContain('change ');
    expect(run.out).toContain("ZENDESK_WEBHOOK_SECRETS already contains the trigger webhook's signing secret");
    expect(run.out).not.toContain(SECRET);
    expect(run.out).not.toContain(TRIGGER_SECRET);
    // every interceptor above is a GET; a POST or PUT would be unmatched and fail the afterEach check
  });

  test('a changed trigger is updated with PUT and the exact body', async () => {
    zd().get('/api/v2/users/me.json').reply(200, me);
    zd().get('/api/v2/webhooks').query(LIST_QUERY).reply(200, list([existingWebhook(), existingTriggerWebhook()]));
    const stale = listed(102, commentTrigger, { active: false });
    stale.actions = [{ field: 'notification_webhook', value: ['01HOLDWEBHOOK', stale.actions[0]!.value[1]!] }];
    zd().get('/api/v2/triggers/search.json').query(SEARCH_QUERY).reply(200, search([listed(101, createdTrigger), stale]));
    zd().get('/api/v2/groups.json').reply(200, groups);
    zd().put('/api/v2/triggers/102.json', commentTrigger).reply(200, { trigger: listed(102, commentTrigger) });
    secret(WEBHOOK_ID, SECRET);
    secret(TRIGGER_WEBHOOK_ID, TRIGGER_SECRET);

    const run = await cli(['setup', 'zendesk', '--triggers', '--url', PUBLIC, '--no-store'], zendeskEnv({ ZENDESK_WEBHOOK_SECRETS: SECRET }));

    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(existsSync(dotEnv())).toBe(false);
    expect(run.out).toContain('"draftpilot: public comment by requester": update (id 102)');
    expect(run.out).toContain('change   active: false -> true');
    expect(run.out).toContain(`change   webhook: 01HOLDWEBHOOK -> ${TRIGGER_WEBHOOK_ID}`);
    expect(run.out).toContain('"draftpilot: public comment by requester": updated (id 102)');
    expect(run.out).toContain('"draftpilot: ticket created": unchanged (id 101)');
    expect(run.out).toContain(`ZENDESK_WEBHOOK_SECRETS=${SECRET},${TRIGGER_SECRET}`);
  });

  test('an event-connected webhook named draftpilot-triggers is reported; no trigger is written (exit 1)', async () => {
    zd().get('/api/v2/users/me.json').reply(200, me);
    zd().get('/api/v2/webhooks').query(LIST_QUERY).reply(200, list([existingWebhook(), existingTriggerWebhook({ subscriptions: ['zen:event-type:ticket.created'] })]));
    zd().get('/api/v2/triggers/search.json').query(SEARCH_QUERY).reply(200, search([]));
    zd().get('/api/v2/groups.json').reply(200, groups);
    secret(WEBHOOK_ID, SECRET);

    const run = await cli(['setup', 'zendesk', '--triggers', '--url', PUBLIC], zendeskEnv({ ZENDESK_WEBHOOK_SECRETS: SECRET }));

    expect(run.code).toBe(1);
    expect(run.out).toContain('webhook "draftpilot-triggers" (id 01HSETUPTRIGGERHOOK000000B) is connected to Zendesk events');
    expect(run.out).toContain('"draftpilot: ticket created": not set up');
    expect(run.out).toContain('Zendesk setup incomplete');
  });

  test('--triggers is parsed for zendesk and refused for intercom', async () => {
    expect(parseArgs(['setup', 'zendesk', '--triggers', '--url', PUBLIC])).toEqual({ help: false, provider: 'zendesk', dryRun: false, url: PUBLIC, triggers: true });
    const run = await cli(['setup', 'intercom', '--triggers'], intercomEnv());
    expect(run.code).toBe(2);
    expect(run.err).toContain('--triggers: it belongs to setup zendesk');
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
    // --dotenv names a file that does not exist: node itself must let it through (it would not with
    // --env-file, nodejs/node#54232), and a missing file is no error.
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'draftpilot-setup-cli-'));
    try {
      const child = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(ROOT, 'src/cli.ts'), 'setup', 'zendesk', '--dry-run', '--url', PUBLIC, '--dotenv', 'missing.env'], {
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
