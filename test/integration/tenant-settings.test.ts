import { readFileSync } from 'node:fs';
import type { DraftDetail } from '../../src/drafting/draft-view';
import { SHOP_CATEGORIES } from '../helpers/drafting';
import { zendeskComment } from '../helpers/fixtures';
import { describeWithPostgresAndRedis } from '../helpers/services';
import { startTestService, TestService, TestServiceOptions } from '../helpers/test-service';
import { until } from '../helpers/until';

/**
 * GET and PUT /api/settings/:tenant against a running service (Zendesk without credentials: shadow
 * mode, the would-be writes recorded): a valid update applies to the next draft, an invalid one is
 * refused with the path that is wrong and the last good settings stay in effect.
 */

const ADMIN = { authorization: 'Bearer test-admin-token-0123456789' };
const QUESTION = 'How long does standard delivery take?';

function settingsSuite(mode: Pick<TestServiceOptions, 'store' | 'queue'>) {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService(mode);
  });
  afterAll(() => t?.close());

  const call = async (method: string, path: string, body?: string, headers: Record<string, string> = { ...ADMIN, 'content-type': 'application/json' }) => {
    const res = await fetch(`${t.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const draftFor = async (ticketId: string, text = QUESTION): Promise<DraftDetail> => {
    expect((await t.postZendesk(zendeskComment({ ticketId, text }))).status).toBe(202);
    await t.waitIdle();
    const id = await until(`the draft of ${ticketId}`, async () => {
      const row = await t.service.store.db.selectFrom('drafts').select(['id', 'delivered_at']).where('thread_id', '=', ticketId).executeTakeFirst();
      return row?.delivered_at ? row.id : undefined;
    });
    return (await call('GET', `/api/drafts/${id}`)).body as DraftDetail;
  };

  it('a tenant without settings shows the service\'s configuration and drafts as before', async () => {
    const { status, body } = await call('GET', '/api/settings/zendesk:acme');
    expect(status).toBe(200);
    expect(body).toMatchObject({ tenant: 'zendesk:acme', settings: null, last_error: null, effective: { delivery_mode: 'note', escalation: { zendesk_group_id: null, intercom_team_id: null } } });
    expect(body.effective.categories.categories.find((c: { id: string }) => c.id === 'shipping')).toMatchObject({ mode: 'review' });
    expect(body.effective.thresholds).toEqual({ negative_sentiment: expect.any(Number), low_confidence: expect.any(Number), autopilot: expect.any(Number) });
    expect((await draftFor('8501')).decision).toBe('review');
  });

  it('a valid update (categories as YAML text) applies: the next draft of that tenant uses it, with its escalation group', async () => {
    const put = await call('PUT', '/api/settings/zendesk:acme', readFileSync(SHOP_CATEGORIES, 'utf8').replace(/^/gm, '  ').replace(/^/, 'categories:\n') + '\nescalation:\n  zendesk_group_id: "360004242"\n', { ...ADMIN, 'content-type': 'application/yaml' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ tenant: 'zendesk:acme', source: 'api', applied_at: expect.any(String), last_error: null, settings: { escalation: { zendesk_group_id: '360004242' } } });
    expect(put.body.effective.categories.categories.find((c: { id: string }) => c.id === 'shipping')).toMatchObject({ mode: 'autopilot' });
    expect(put.body.effective.escalation.zendesk_group_id).toBe('360004242');

    expect((await draftFor('8502')).decision).toBe('autopilot');
    const escalated = await draftFor('8503', 'I want to speak to a real person about my parcel, now.');
    expect(escalated.decision).toBe('escalate');
    expect((escalated.delivery!.would_be_writes[0]!.body as { ticket: { group_id?: number } }).ticket.group_id).toBe(360004242);
  });

  it('an invalid update is refused with the path that is wrong; the last good settings stay in effect and show the error', async () => {
    const bad = await call('PUT', '/api/settings/zendesk:acme', JSON.stringify({ categories: { categories: [{ id: 'shipping', name: 'Shipping', mode: 'sometimes' }] }, delivery_mode: 'email' }));
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ error: 'invalid_settings', message: expect.stringMatching(/^categories\.categories\.0\.mode: .*; the last good settings stay in effect$/) });
    expect(bad.body.errors).toEqual([
      { path: 'categories.categories.0.mode', message: expect.any(String) },
      { path: 'delivery_mode', message: 'note or pending_macro' },
    ]);
    const shown = await call('GET', '/api/settings/zendesk:acme');
    expect(shown.body.settings.escalation).toEqual({ zendesk_group_id: '360004242' });
    expect(shown.body.effective.categories.categories.find((c: { id: string }) => c.id === 'shipping')).toMatchObject({ mode: 'autopilot' });
    expect(shown.body.last_error).toEqual({ errors: bad.body.errors, source: 'api', at: expect.any(String) });
    expect((await draftFor('8504')).decision).toBe('autopilot');

    const yaml = await call('PUT', '/api/settings/zendesk:acme', 'categories: [unclosed', { ...ADMIN, 'content-type': 'text/plain' });
    expect(yaml).toMatchObject({ status: 422, body: { errors: [{ path: '(settings)', message: expect.stringMatching(/^not YAML or JSON/) }] } });
    const unknown = await call('PUT', '/api/settings/zendesk:acme', JSON.stringify({ colour: 'blue' }));
    expect(unknown.body.errors[0].message).toMatch(/colour/);
    const duplicate = await call('PUT', '/api/settings/zendesk:acme', JSON.stringify({ categories: 'categories:\n  - {id: a, name: A}\n  - {id: a, name: B}\n' }));
    expect(duplicate.body.errors).toEqual([{ path: 'categories.categories.1.id', message: 'category id "a" appears twice' }]);
  });

  it('a later valid update clears the error; another tenant is untouched; 400 for a bad tenant, 401 without the admin token', async () => {
    const ok = await call('PUT', '/api/settings/zendesk:acme', JSON.stringify({ delivery_mode: 'pending_macro', thresholds: { autopilot: 0.99 } }));
    expect(ok.body).toMatchObject({ last_error: null, settings: { delivery_mode: 'pending_macro', thresholds: { autopilot: 0.99 } }, effective: { delivery_mode: 'pending_macro', thresholds: { autopilot: 0.99 } } });
    // the settings replace the earlier ones as a whole: the shipped categories again, shipping in review
    expect(ok.body.effective.categories.categories.find((c: { id: string }) => c.id === 'shipping')).toMatchObject({ mode: 'review' });
    const drafted = await draftFor('8505');
    expect(drafted.decision).toBe('review');
    expect(drafted.delivery!.detail).toContain('would create a pending macro');
    expect((await call('GET', '/api/settings/intercom:x7k2pq9a')).body).toMatchObject({ settings: null, last_error: null, effective: { delivery_mode: 'note' } });
    expect((await call('GET', '/api/settings/acme')).status).toBe(400);
    expect((await call('GET', '/api/settings/zendesk:acme', undefined, {})).status).toBe(401);
    expect((await call('PUT', '/api/settings/zendesk:acme', '{}', { 'content-type': 'application/json' })).status).toBe(401);
  });
}

describe('tenant settings (embedded: PGlite, in-process queue)', () => settingsSuite({}));
describeWithPostgresAndRedis('tenant settings (PostgreSQL, BullMQ)', () => settingsSuite({ store: 'postgres', queue: 'bullmq' }));
