import { signCanvas } from '../../src/edge/intercom/canvas-signature';
import { applyTenantSettings } from '../../src/settings/settings-store';
import { canvasResponseSchema, Component, MAX_CONTENT_BYTES } from '../../src/intercom-app/canvas-schema';
import { IntercomStandIn } from '../helpers/intercom-stand-in';
import { seedReviews } from '../helpers/lifecycle-seed';
import { describeWithPostgres } from '../helpers/services';
import { startTestService, TestService, TestServiceOptions } from '../helpers/test-service';
import { until } from '../helpers/until';

/**
 * The Intercom inbox app through the running service (real HTTP on port 0) against the Intercom
 * stand-in: signed Canvas Kit requests, every answer checked against the canvas schema and the 64 KB
 * limit, and what reaches Intercom (one reply, as the teammate who clicked) read from the stand-in.
 */

const OUR_ADMIN = '9000002'; // the test service's INTERCOM_ADMIN_ID: draftpilot's own notes
const DANA = { id: '814', name: 'Dana Ortiz', email: 'dana@acme.test', type: 'admin' }; // a settings admin
const LEE = { id: '815', name: 'Lee Park', email: 'lee@acme.test', type: 'admin' };
const TEAM = '5017691';
const IC_TOKEN = 'ic-app-token-0123456789';
const WORKSPACE = 'x7k2pq9a';
const TENANT = `intercom:${WORKSPACE}`;
const SHIPPING = {
  title: 'Shipping times and tracking',
  url: 'https://help.demo-shop.example/articles/shipping',
  body: '<p>Orders placed before 2 pm on a working day leave our warehouse the same day. Standard delivery takes 2 to 4 working days; express delivery takes 1 working day.</p><p>You get a tracking link by email as soon as the carrier collects the parcel.</p>',
};

let t: TestService;
let intercom: IntercomStandIn;
let nextConversation = 215469330300001;

const db = () => t.service.store.db;
const reviewsOf = (draftId: string) => db().selectFrom('reviews').selectAll().where('draft_id', '=', draftId).orderBy('created_at').execute();

/** A conversation with a delivered draft for review, as a customer's message makes one. */
async function conversationWithDraft(question = 'How long does standard delivery take?') {
  const id = String(nextConversation++);
  intercom.startConversation(id, { id: `c-${id}`, name: 'Sam Okafor', email: 'sam@example.org' }, question);
  expect((await t.postIntercom(intercom.notification('conversation.user.created', id))).status).toBe(202);
  const draft = await until('the delivered draft', async () => db().selectFrom('drafts').selectAll().where('thread_id', '=', id).where('delivered_at', 'is not', null).executeTakeFirst());
  return { id, draft };
}

function request(admin: typeof DANA, conversationId: string, extra: Record<string, unknown> = {}) {
  return {
    workspace_id: WORKSPACE,
    workspace_region: 'us',
    admin,
    conversation: { type: 'conversation', id: conversationId, state: 'open' },
    contact: { type: 'user', id: 'c-1' },
    context: { location: 'conversation', locale: 'en' },
    ...extra,
  };
}

async function post(path: 'initialize' | 'submit', body: unknown, headers?: Record<string, string>): Promise<Response> {
  const raw = JSON.stringify(body);
  return fetch(`${t.url}/apps/intercom/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(headers ?? signCanvas(raw, t.intercomSecret)) }, body: raw });
}

/** A 200 whose canvas passes the schema and the size limit. */
async function canvas(res: Response): Promise<Component[]> {
  const text = await res.text();
  expect(res.status).toBe(200);
  const parsed = canvasResponseSchema.parse(JSON.parse(text));
  expect(Buffer.byteLength(JSON.stringify(parsed.canvas.content))).toBeLessThanOrEqual(MAX_CONTENT_BYTES);
  return parsed.canvas.content.components;
}

const open = async (admin: typeof DANA, conversationId: string) => canvas(await post('initialize', request(admin, conversationId)));
const click = async (admin: typeof DANA, conversationId: string, componentId: string, inputValues: Record<string, string> = {}) =>
  canvas(await post('submit', request(admin, conversationId, { component_id: componentId, input_values: inputValues, current_canvas: { content: { components: [] } } })));

const ids = (c: Component[]) => c.flatMap((x) => ('id' in x && x.id ? [x.id] : []));
const shown = (c: Component[]) => c.flatMap((x) => (x.type === 'text' ? [x.text] : [])).join('\n');
const repliesBy = (conversationId: string, adminId: string) => intercom.partsBy(conversationId, adminId).filter((p) => p.part_type === 'comment');

function appSuite(options: Pick<TestServiceOptions, 'store'>): void {
  beforeAll(async () => {
    intercom = new IntercomStandIn({ token: IC_TOKEN, workspace: WORKSPACE, adminId: OUR_ADMIN, articles: [{ id: '9001', ...SHIPPING }] });
    await intercom.start();
    t = await startTestService({
      ...options,
      env: { INTERCOM_ACCESS_TOKEN: IC_TOKEN, INTERCOM_BASE_URL: intercom.baseUrl, INTERCOM_SETTINGS_ADMIN_IDS: DANA.id, INTERCOM_ESCALATION_TEAM_ID: TEAM },
    });
    await until('the workspace articles', async () => ((await t.service.knowledge!.forTenant(TENANT)).size > 0 ? true : undefined));
  });

  afterAll(async () => {
    await t?.close();
    await intercom?.stop();
  });

  describe('signatures', () => {
    it('a forged, missing or webhook-style signature is 401 and touches nothing', async () => {
      const { id, draft } = await conversationWithDraft();
      const seen = intercom.requests.length;
      const body = request(DANA, id, { component_id: `approve:${draft.id}`, input_values: {} });
      const raw = JSON.stringify(body);
      const forged = await post('submit', body, signCanvas(raw, 'not-the-client-secret'));
      expect(forged.status).toBe(401);
      expect(await forged.json()).toMatchObject({ error: 'signature_mismatch' });
      expect((await post('submit', body, {})).status).toBe(401);
      expect((await post('initialize', request(DANA, id), { 'x-hub-signature': 'sha1=00' })).status).toBe(401);
      // signed for another body
      expect((await post('submit', body, signCanvas(JSON.stringify(request(DANA, id)), t.intercomSecret))).status).toBe(401);
      expect(intercom.requests.length).toBe(seen);
      expect(await reviewsOf(draft.id)).toEqual([]);
    });

    it('a signed body that is not a Canvas Kit request is 400 naming the field', async () => {
      const res = await post('initialize', { workspace_id: WORKSPACE, admin: DANA });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toContain('conversation');
    });
  });

  describe('initialize', () => {
    it('shows the newest draft in a short first canvas with the four actions', async () => {
      const { id, draft } = await conversationWithDraft();
      const res = await post('initialize', request(LEE, id));
      const components = await canvas(res.clone());
      expect(Buffer.byteLength(await res.text())).toBeLessThan(3_000);
      expect(shown(components)).toContain('Draft for review');
      expect(ids(components)).toEqual([`approve:${draft.id}`, `edit:${draft.id}`, `reject:${draft.id}`, `escalate:${draft.id}`, `details:${draft.id}`]);
      const details = await click(LEE, id, `details:${draft.id}`);
      expect(shown(details)).toContain(`[${SHIPPING.title}](${SHIPPING.url})`);
      expect(shown(details)).toContain('**Next step:**');
    });

    it('says so when the conversation has no draft', async () => {
      expect(shown(await open(LEE, '999000111'))).toContain('No draft for this conversation yet');
    });
  });

  describe('approve & send', () => {
    it('sends exactly one reply as the teammate who clicked; a second teammate sees it and cannot send it again', async () => {
      const { id, draft } = await conversationWithDraft();
      const after = await click(LEE, id, `approve:${draft.id}`);
      expect(shown(after)).toContain('Sent to the customer as drafted');
      const replies = repliesBy(id, LEE.id);
      expect(replies).toHaveLength(1);
      expect(replies[0]!.body).toContain('2 to 4 working days');
      expect(repliesBy(id, OUR_ADMIN)).toEqual([]);
      const sent = intercom.requests.filter((r) => r.method === 'POST' && r.url === `/conversations/${id}/reply` && (r.body as { message_type: string }).message_type === 'comment');
      expect(sent.map((r) => r.body)).toEqual([{ message_type: 'comment', type: 'admin', admin_id: LEE.id, body: expect.stringContaining('<p>') }]);
      expect(await reviewsOf(draft.id)).toMatchObject([{ action: 'approve', agent_id: LEE.id, agent_name: LEE.name, source: 'intercom_app', edit_distance: 0 }]);

      // Dana opens the same conversation: Lee's action, and nothing left to send
      const second = await open(DANA, id);
      expect(shown(second)).toContain('**Lee Park** approved and sent');
      expect(ids(second)).not.toContain(`approve:${draft.id}`);
      const again = await click(DANA, id, `approve:${draft.id}`);
      expect(shown(again)).toContain('already sent');
      expect(repliesBy(id, LEE.id).length + repliesBy(id, DANA.id).length).toBe(1);
      expect(await reviewsOf(draft.id)).toHaveLength(1);
    });

    it('a draft a newer one replaced is not sent', async () => {
      const { id, draft } = await conversationWithDraft();
      await db().updateTable('drafts').set({ superseded_by: 'd_NewerDraft01' }).where('id', '=', draft.id).execute();
      const answer = await click(LEE, id, `approve:${draft.id}`);
      expect(shown(answer)).toContain('A newer draft replaced this one');
      expect(repliesBy(id, LEE.id)).toEqual([]);
      expect(await reviewsOf(draft.id)).toEqual([]);
    });

    it('a draft of another conversation is not acted on', async () => {
      const a = await conversationWithDraft();
      const b = await conversationWithDraft();
      const answer = await click(LEE, b.id, `approve:${a.draft.id}`);
      expect(shown(answer)).toContain('not one of this conversation');
      expect(repliesBy(a.id, LEE.id)).toEqual([]);
      expect(repliesBy(b.id, LEE.id)).toEqual([]);
    });
  });

  describe('edit', () => {
    it('shows the draft in a text area and sends the edited text as the teammate, recorded as edit', async () => {
      const { id, draft } = await conversationWithDraft();
      const editor = await click(LEE, id, `edit:${draft.id}`);
      expect(editor.find((c) => c.type === 'textarea')).toMatchObject({ id: 'edited_text', value: draft.draft });
      const empty = await click(LEE, id, `send_edit:${draft.id}`, { edited_text: '   ' });
      expect(shown(empty)).toContain('The reply is empty');
      const edited = 'Standard delivery takes 2 to 4 working days. Express delivery takes 1 working day.';
      await click(LEE, id, `send_edit:${draft.id}`, { edited_text: edited });
      const replies = repliesBy(id, LEE.id);
      expect(replies.map((p) => p.body)).toEqual([`<p>${edited}</p>`]);
      const [review] = await reviewsOf(draft.id);
      expect(review).toMatchObject({ action: 'edit', sent_text: edited, agent_id: LEE.id, source: 'intercom_app' });
      expect(review!.edit_distance).toBeGreaterThan(0);
    });

    it('an edit the publication guard flags is held until the teammate sends it anyway', async () => {
      const { id, draft } = await conversationWithDraft();
      const risky = 'Your order has been cancelled and refunded. Details: https://elsewhere.example/refunds';
      const held = await click(LEE, id, `send_edit:${draft.id}`, { edited_text: risky });
      expect(shown(held)).toContain('The publication guard found');
      expect(shown(held)).toContain('elsewhere.example');
      expect(repliesBy(id, LEE.id)).toEqual([]);
      expect(await reviewsOf(draft.id)).toEqual([]);
      expect(held.find((c) => c.type === 'textarea')).toMatchObject({ value: risky });
      await click(LEE, id, `send_edit_confirm:${draft.id}`, { edited_text: risky });
      expect(repliesBy(id, LEE.id)).toHaveLength(1);
      expect(await reviewsOf(draft.id)).toMatchObject([{ action: 'edit', sent_text: risky }]);
    });
  });

  describe('reject', () => {
    it('needs a reason (and words for "other"), shown in the canvas, storing nothing until then', async () => {
      const { id, draft } = await conversationWithDraft();
      const form = await click(LEE, id, `reject:${draft.id}`);
      const reasons = form.find((c) => c.type === 'dropdown');
      expect(reasons).toMatchObject({ id: 'reject_reason' });
      expect(reasons?.type === 'dropdown' ? reasons.options.map((o) => o.id) : []).toEqual(['wrong_information', 'missing_information', 'wrong_tone', 'off_brand', 'policy_violation', 'not_relevant', 'should_escalate', 'other']);

      const noReason = await click(LEE, id, `send_reject:${draft.id}`, { reject_text: 'meh' });
      expect(noReason.find((c) => c.type === 'text' && c.style === 'error')).toMatchObject({ text: 'Pick a reason before rejecting.' });
      const otherNoText = await click(LEE, id, `send_reject:${draft.id}`, { reject_reason: 'other' });
      expect(shown(otherNoText)).toContain('"Other" needs a few words');
      expect(otherNoText.find((c) => c.type === 'textarea')).toMatchObject({ error: true });
      expect(await reviewsOf(draft.id)).toEqual([]);

      const done = await click(LEE, id, `send_reject:${draft.id}`, { reject_reason: 'wrong_tone', reject_text: 'Too stiff' });
      expect(shown(done)).toContain('Rejected');
      expect(await reviewsOf(draft.id)).toMatchObject([{ action: 'reject', reason: 'wrong_tone', text: 'Too stiff', agent_id: LEE.id }]);
      expect(repliesBy(id, LEE.id)).toEqual([]);
      expect(shown(await open(DANA, id))).toContain('**Lee Park** rejected (wrong tone');
    });
  });

  describe('escalate', () => {
    it('assigns the conversation to the escalation team as the teammate, with the reason and the brief feedback recorded', async () => {
      const { id, draft } = await conversationWithDraft();
      const form = await click(LEE, id, `escalate:${draft.id}`);
      expect(shown(form)).toContain(`team ${TEAM}`);
      await click(LEE, id, `send_escalate:${draft.id}`, { escalate_reason: 'VIP customer', brief_useful: 'no', brief_missing: 'missing_fields' });
      const assignments = intercom.requests.filter((r) => r.url === `/conversations/${id}/parts`);
      expect(assignments.map((r) => r.body)).toEqual([{ message_type: 'assignment', type: 'admin', admin_id: LEE.id, assignee_id: TEAM }]);
      expect(await reviewsOf(draft.id)).toMatchObject([{ action: 'escalate', text: 'VIP customer', agent_id: LEE.id, source: 'intercom_app' }]);
      expect(await db().selectFrom('brief_feedback').selectAll().where('draft_id', '=', draft.id).execute()).toMatchObject([{ useful: false, missing: 'missing_fields', agent_id: LEE.id }]);
      expect(repliesBy(id, LEE.id)).toEqual([]);
    });
  });

  describe('settings', () => {
    const CATEGORIES = 'categories:\n  - id: shipping\n    name: Shipping\n    description: Delivery times and tracking.\n    mode: review\n';
    const stored = () => db().selectFrom('tenant_settings').selectAll().where('tenant', '=', TENANT).executeTakeFirst();

    it('a teammate not listed never sees them, and cannot open or save them', async () => {
      const { id } = await conversationWithDraft();
      expect(ids(await open(LEE, id))).not.toContain('settings');
      const refused = await click(LEE, id, 'settings');
      expect(shown(refused)).toContain('Only the admins named in INTERCOM_SETTINGS_ADMIN_IDS');
      expect(ids(refused)).not.toContain('save_settings');
      await click(LEE, id, 'save_settings', { settings_escalation_team: '1' });
      expect(await stored()).toBeUndefined();
    });

    it('an admin saves valid settings; an invalid value keeps them and shows the error with its path', async () => {
      const { id, draft } = await conversationWithDraft();
      expect(ids(await open(DANA, id))).toContain('settings');
      const form = await click(DANA, id, 'settings');
      expect(ids(form)).toEqual(expect.arrayContaining(['settings_categories', 'settings_autopilot_threshold', 'settings_autopilot_sampling', 'settings_delivery_mode', 'settings_escalation_team', 'save_settings']));

      const saved = await click(DANA, id, 'save_settings', { settings_categories: CATEGORIES, settings_autopilot_threshold: '0.9', settings_autopilot_sampling: '0.2', settings_delivery_mode: 'note', settings_escalation_team: '5017700' });
      expect(shown(saved)).toContain('Settings saved');
      expect((await stored())!.settings).toMatchObject({ thresholds: { autopilot: 0.9 }, sampling: { autopilot_rate: 0.2 }, delivery_mode: 'note', escalation: { intercom_team_id: '5017700' }, categories: { categories: [{ id: 'shipping' }] } });

      const invalid = await click(DANA, id, 'save_settings', { settings_categories: CATEGORIES, settings_autopilot_threshold: '1.5', settings_escalation_team: 'five' });
      expect(shown(invalid)).toContain('Not saved');
      expect(shown(invalid)).toMatch(/thresholds\.autopilot: /);
      expect(shown(invalid)).toMatch(/escalation\.intercom_team_id: /);
      expect(invalid.find((c) => c.type === 'input' && c.id === 'settings_autopilot_threshold')).toMatchObject({ value: '1.5', save_state: 'failed' });
      const row = (await stored())!;
      expect(row.settings).toMatchObject({ thresholds: { autopilot: 0.9 }, escalation: { intercom_team_id: '5017700' } });
      expect(row.last_error).toMatchObject({ source: 'intercom_app' });

      // the last good settings stay in force: the escalation goes to the saved team
      await click(LEE, id, `send_escalate:${draft.id}`, {});
      expect(intercom.requests.filter((r) => r.url === `/conversations/${id}/parts`).map((r) => (r.body as { assignee_id: string }).assignee_id)).toEqual(['5017700']);
      // reopened, the settings canvas shows the values in force and the refused update
      const reopened = await click(DANA, id, 'settings');
      expect(reopened.find((c) => c.type === 'input' && c.id === 'settings_autopilot_threshold')).toMatchObject({ value: '0.9' });
      expect(shown(reopened)).toContain('was refused');
      await db().deleteFrom('tenant_settings').where('tenant', '=', TENANT).execute();
    });
  });
  describe('categories in the admin canvas', () => {
    // A workspace of its own, whose readiness rule is small: 2 clean approvals within the last 5 reviews.
    const LC_WORKSPACE = 'lc4adm1n';
    const LC_TENANT = `intercom:${LC_WORKSPACE}`;
    const API = { authorization: 'Bearer test-admin-token-0123456789' };
    const CONVERSATION = '215469339900001';
    const adminClick = async (admin: typeof DANA, componentId: string, inputValues: Record<string, string> = {}) =>
      canvas(await post('submit', request(admin, CONVERSATION, { workspace_id: LC_WORKSPACE, component_id: componentId, input_values: inputValues })));
    const api = async (p: string, init: RequestInit = {}) => {
      const res = await fetch(`${t.url}${p}`, { ...init, headers: { 'content-type': 'application/json', ...API } });
      return { status: res.status, body: (await res.json()) as any };
    };
    const modeOf = async (id: string) => ((await api(`/api/categories?tenant=${LC_TENANT}`)).body.categories as { id: string; mode: string }[]).find((c) => c.id === id)?.mode;
    const auditOf = async (id: string) => (await api(`/api/categories/${id}/audit?tenant=${LC_TENANT}`)).body.changes as { from: string; to: string; actor: string; actor_name: string | null }[];
    const buttonsOf = (c: Component[]) => c.flatMap((x) => (x.type === 'button' ? [x.id] : []));

    beforeAll(async () => {
      const now = new Date();
      const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
      expect((await applyTenantSettings(db(), LC_TENANT, { promotion: { min_clean_approvals: 2, window: 5, min_clean_rate: 0.6 } }, { source: 'api', now })).ok).toBe(true);
      await seedReviews(db(), LC_TENANT, [
        { category: 'shipping', decision: 'review', action: 'approve', at: ago(30) },
        { category: 'shipping', decision: 'review', action: 'approve', at: ago(29) },
        { category: 'products', decision: 'review', action: 'approve', at: ago(28) },
        { category: 'products', decision: 'review', action: 'approve', at: ago(27) },
        // five rejects for one reason in one week: a repeated reason (lifecycle.repeated_reason_per_week is 5)
        ...[1, 2, 3, 4, 5].map((i) => ({ category: 'account', decision: 'review' as const, action: 'reject' as const, reason: 'wrong_tone', at: ago(20 - i) })),
      ]);
    });

    it('an admin sees the notices and each category with its label, clean rate and review count, Promote only on a ready one', async () => {
      const admin = await adminClick(DANA, 'settings');
      const all = shown(admin);
      expect(all).toContain('**Repeated rejection reason**: account: 5 drafts rejected as wrong_tone in');
      expect(all.indexOf('Notices')).toBeLessThan(all.indexOf('Categories'));
      expect(all).toContain('**Shipping and delivery** · review: ready');
      expect(all).toContain('Clean rate 100% over 2 reviews (the last 5 count)');
      expect(all).toContain('**Returns and refunds** · held: sensitive');
      expect(all).toContain('**Orders and payment** · review: 2 more clean approvals (0 of 2 within the last 5 reviews)');
      expect(all).toContain('**Account and sign-in** · review: 2 more clean approvals (0 of 2 within the last 5 reviews); a clean rate of 0.6 (it is 0 over 5 reviews)');
      expect(buttonsOf(admin)).toEqual(expect.arrayContaining(['promote:shipping', 'promote:products', 'save_settings']));
      expect(buttonsOf(admin).filter((b) => b.startsWith('promote:') || b.startsWith('demote:')).sort()).toEqual(['promote:products', 'promote:shipping']);
      // the settings form is still there, below
      expect(ids(admin)).toEqual(expect.arrayContaining(['settings_categories', 'settings_autopilot_threshold']));
    });

    it('a teammate not listed sees none of it, and a forged promote or demote from them changes nothing', async () => {
      expect(shown(await adminClick(LEE, 'settings'))).not.toContain('Categories');
      const refused = await adminClick(LEE, 'promote:shipping');
      expect(shown(refused)).toContain('Only the admins named in INTERCOM_SETTINGS_ADMIN_IDS can see or change');
      expect(buttonsOf(refused)).toEqual(['home']);
      expect(await modeOf('shipping')).toBe('review');
      await adminClick(LEE, 'demote:shipping');
      expect(await auditOf('shipping')).toEqual([]);
    });

    it('promoting a category that is not ready shows the refusal with what is missing, and changes nothing', async () => {
      const refused = await adminClick(DANA, 'promote:orders');
      expect(refused[0]).toEqual({ type: 'text', style: 'error', text: 'Orders and payment is not ready and stays in review. Missing: 2 more clean approvals (0 of 2 within the last 5 reviews).' });
      expect(shown(await adminClick(DANA, 'promote:returns'))).toContain('Returns and refunds is sensitive: it is held in review and is never promoted.');
      expect(shown(await adminClick(DANA, 'promote:nope'))).toContain('There is no category "nope" in this workspace');
      expect([await modeOf('orders'), await modeOf('returns')]).toEqual(['review', 'held']);
      expect(await auditOf('orders')).toEqual([]);
    });

    it('an admin promotes a ready category, audited with their id and name, and demotes it back; typed settings are kept', async () => {
      const promoted = await adminClick(DANA, 'promote:shipping', { settings_escalation_team: '777' });
      expect(promoted[0]).toEqual({ type: 'text', style: 'muted', text: '✓ Shipping and delivery is now in autopilot.' });
      expect(shown(promoted)).toContain('**Shipping and delivery** · autopilot');
      expect(shown(promoted)).toContain('sampled autopilot replies: 0 reviewed, 0 rejected (back to review above 10%)');
      expect(buttonsOf(promoted)).toContain('demote:shipping');
      expect(buttonsOf(promoted)).not.toContain('promote:shipping');
      expect(promoted.find((c) => c.type === 'input' && c.id === 'settings_escalation_team')).toMatchObject({ value: '777' });
      expect(await modeOf('shipping')).toBe('autopilot');
      expect(await auditOf('shipping')).toMatchObject([{ from: 'review', to: 'autopilot', actor: DANA.id, actor_name: DANA.name }]);
      // the stored mode the drafter reads
      expect(await db().selectFrom('category_modes').select(['mode', 'changed_by']).where('tenant', '=', LC_TENANT).where('category', '=', 'shipping').executeTakeFirst()).toEqual({ mode: 'autopilot', changed_by: DANA.id });
      expect(shown(await adminClick(DANA, 'promote:shipping'))).toContain('Shipping and delivery was already in autopilot.');

      const demoted = await adminClick(DANA, 'demote:shipping');
      expect(demoted[0]).toEqual({ type: 'text', style: 'muted', text: '✓ Shipping and delivery is back in review: every draft waits for a teammate.' });
      expect(await modeOf('shipping')).toBe('review');
      expect((await auditOf('shipping')).map((c) => [c.from, c.to, c.actor])).toEqual([
        ['autopilot', 'review', DANA.id],
        ['review', 'autopilot', DANA.id],
      ]);
      // a fresh window: not ready again on the approvals from before the change
      expect(shown(demoted)).toContain('**Shipping and delivery** · review: 2 more clean approvals');
      expect(buttonsOf(demoted)).not.toContain('promote:shipping');
    });

    it('an automatic demotion of a promoted category is a notice at the top of the admin canvas', async () => {
      await adminClick(DANA, 'promote:products');
      expect(await modeOf('products')).toBe('autopilot');
      // a sampled review of one of its autopilot replies rejects it (1 of 1 > max_reject_rate 0.1)
      await seedReviews(db(), LC_TENANT, [{ category: 'products', decision: 'autopilot', action: 'approve', at: new Date() }]);
      const sent = await db().selectFrom('drafts').select('id').where('tenant', '=', LC_TENANT).where('category', '=', 'products').where('decision', '=', 'autopilot').executeTakeFirstOrThrow();
      const rejected = await api('/api/reviews', { method: 'POST', body: JSON.stringify({ draft_id: sent.id, action: 'reject', reason: 'wrong_information', agent: { id: LEE.id } }) });
      expect(rejected.status).toBe(201);
      expect(await modeOf('products')).toBe('review');
      const admin = await adminClick(DANA, 'settings');
      expect(admin[0]).toEqual({ type: 'text', style: 'header', text: 'Notices' });
      expect(admin[1]).toMatchObject({ style: 'error', text: expect.stringMatching(/^\*\*Automatic demotion\*\* \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\): products went back to review: 1 of the last 2 sampled autopilot replies rejected/) });
    });
  });
}

describe('Intercom inbox app (embedded: PGlite)', () => appSuite({}));
describeWithPostgres('Intercom inbox app (PostgreSQL)', () => appSuite({ store: 'postgres' }));
