import { signCanvas, verifyCanvasSignature } from '../../src/edge/intercom/canvas-signature';
import { canvasInitializeSchema, canvasSubmitSchema } from '../../src/edge/intercom/canvas-request';
import { hmac } from '../../src/edge/hmac';
import type { DraftRow } from '../../src/drafting/draft-store';
import { editCanvas, escalateCanvas, guardCanvas, rejectCanvas } from '../../src/intercom-app/action-canvas';
import { actionId, INPUT, parseAction } from '../../src/intercom-app/canvas-action';
import { canvasOf, CanvasInvalid, Component, MAX_CONTENT_BYTES } from '../../src/intercom-app/canvas-schema';
import { plainText, sourceLink } from '../../src/intercom-app/canvas-text';
import { detailsCanvas, reviewCanvas, ShownReview } from '../../src/intercom-app/review-canvas';
import { settingsCanvas, settingsFromInputs } from '../../src/intercom-app/settings-canvas';
import { teamAssignmentBody, teammateReplyBody } from '../../src/intercom-app/teammate-writes';
import { testBrief } from '../helpers/delivery-request';

const body = Buffer.from('{"workspace_id":"x7k2pq9a","admin":{"id":"814"}}');

describe('X-Body-Signature', () => {
  it('is hex HMAC-SHA256 of the raw body with the client secret', () => {
    expect(signCanvas(body, 'cs')['x-body-signature']).toBe(hmac('sha256', 'cs', body).toString('hex'));
    expect(verifyCanvasSignature(body, signCanvas(body, 'cs'), ['cs'])).toEqual({ ok: true });
  });

  it('accepts any configured secret and refuses a missing, malformed, forged or webhook-style signature', () => {
    expect(verifyCanvasSignature(body, signCanvas(body, 'old'), ['new', 'old']).ok).toBe(true);
    expect(verifyCanvasSignature(body, {}, ['cs'])).toMatchObject({ ok: false, code: 'signature_missing' });
    expect(verifyCanvasSignature(body, { 'x-body-signature': 'abc' }, ['cs'])).toMatchObject({ ok: false, code: 'signature_mismatch' });
    expect(verifyCanvasSignature(body, signCanvas(body, 'other'), ['cs'])).toMatchObject({ ok: false, code: 'signature_mismatch' });
    expect(verifyCanvasSignature(Buffer.from(`${body} `), signCanvas(body, 'cs'), ['cs'])).toMatchObject({ ok: false, code: 'signature_mismatch' });
    const sha1 = `sha1=${hmac('sha1', 'cs', body).toString('hex')}`;
    expect(verifyCanvasSignature(body, { 'x-body-signature': sha1 }, ['cs']).ok).toBe(false);
    expect(verifyCanvasSignature(body, signCanvas(body, 'cs'), [])).toMatchObject({ ok: false, code: 'not_configured' });
  });
});

describe('Canvas Kit requests', () => {
  const initialize = { workspace_id: 'x7k2pq9a', workspace_region: 'us', admin: { id: 814, name: 'Dana', email: 'dana@acme.test', type: 'admin' }, conversation: { id: '2154', type: 'conversation' }, context: { location: 'conversation' }, contact: { id: 'c1' } };

  it('reads the teammate, the workspace and the conversation, numeric ids as strings', () => {
    const r = canvasInitializeSchema.parse(initialize);
    expect(r).toMatchObject({ workspace_id: 'x7k2pq9a', admin: { id: '814' }, conversation: { id: '2154' } });
  });

  it('needs a conversation and, on submit, the clicked component', () => {
    const { conversation: _, ...noConversation } = initialize;
    expect(canvasInitializeSchema.safeParse(noConversation).success).toBe(false);
    expect(canvasSubmitSchema.safeParse(initialize).success).toBe(false);
    expect(canvasSubmitSchema.parse({ ...initialize, component_id: 'home', input_values: null }).input_values).toEqual({});
  });
});

describe('component ids', () => {
  it('name the action and the draft, and nothing else parses', () => {
    expect(parseAction(actionId('approve', 'd_Xk3v9QpLm2Wd'))).toEqual({ kind: 'approve', draftId: 'd_Xk3v9QpLm2Wd' });
    expect(parseAction('settings')).toEqual({ kind: 'settings' });
    expect(parseAction('approve:../etc')).toBeUndefined();
    expect(parseAction('publish:d_Xk3v9QpLm2Wd')).toBeUndefined();
    expect(parseAction('approve')).toBeUndefined();
  });
});

const draft = (overrides: Partial<DraftRow> = {}): DraftRow =>
  ({
    id: 'd_Xk3v9QpLm2Wd',
    tenant: 'intercom:x7k2pq9a',
    provider: 'intercom',
    thread_id: '2154',
    message_id: 'source-1',
    requester_id: 'c1',
    decision: 'review',
    category: 'shipping',
    intent: 'delivery_time',
    confidence: 0.74,
    sentiment: { label: 'neutral', score: 0 },
    reasons: [],
    sources: [{ id: 's1', title: 'Shipping [times]', url: 'https://help.acme.test/shipping' }],
    draft: 'Standard delivery takes **2 to 4** working days. [Click](https://evil.example)',
    brief: testBrief(),
    guard: [],
    publication: null,
    model: 'offline',
    usage: null,
    created_at: new Date('2026-12-01T10:00:00Z'),
    delivered_at: null,
    delivery: null,
    superseded_by: null,
    ...overrides,
  }) as DraftRow;

const review = (action: string, name: string): ShownReview => ({ action, reason: action === 'reject' ? 'wrong_tone' : null, text: null, agent: { id: '815', name }, created_at: '2026-12-01T10:05:00.000Z' });

const ids = (components: Component[]) => components.flatMap((c) => ('id' in c && c.id ? [c.id] : []));
const texts = (components: Component[]) => components.flatMap((c) => (c.type === 'text' ? [c.text] : []));

describe('review canvases', () => {
  it('first canvas: short, the four actions, the draft with its Markdown escaped', () => {
    const components = reviewCanvas(draft(), [], { isAdmin: false });
    const answer = canvasOf(components);
    expect(Buffer.byteLength(JSON.stringify(answer))).toBeLessThan(2_000);
    expect(ids(components)).toEqual(['approve:d_Xk3v9QpLm2Wd', 'edit:d_Xk3v9QpLm2Wd', 'reject:d_Xk3v9QpLm2Wd', 'escalate:d_Xk3v9QpLm2Wd', 'details:d_Xk3v9QpLm2Wd']);
    expect(texts(components).join('\n')).toContain('\\*\\*2 to 4\\*\\*');
    expect(texts(components).join('\n')).not.toContain('[Click](');
  });

  it('shows the settings button to admins only', () => {
    expect(ids(reviewCanvas(draft(), [], { isAdmin: true }))).toContain('settings');
    expect(ids(reviewCanvas(draft(), [], { isAdmin: false }))).not.toContain('settings');
  });

  it('a second teammate sees the first one\'s action, and no send once the draft was sent', () => {
    const rejected = reviewCanvas(draft(), [review('reject', 'Dana')], { isAdmin: false });
    expect(texts(rejected).join('\n')).toMatch(/\*\*Dana\*\* rejected \(wrong tone\)/);
    const sent = reviewCanvas(draft(), [review('approve', 'Dana')], { isAdmin: false });
    expect(texts(sent).join('\n')).toContain('**Dana** approved and sent');
    expect(ids(sent)).toEqual(['details:d_Xk3v9QpLm2Wd']);
  });

  it('details: the brief, the sources as links, every review', () => {
    const components = detailsCanvas(draft(), [review('reject', 'Dana'), review('escalate', 'Lee')], { isAdmin: false });
    canvasOf(components);
    const all = texts(components).join('\n');
    expect(all).toContain('[Shipping \\[times\\]](https://help.acme.test/shipping)');
    expect(all).toContain('**Next step:** Send the tracking link.');
    expect(all).toContain('**Lee** escalated');
  });

  it('a draft without text offers no Approve', () => {
    expect(ids(reviewCanvas(draft({ draft: null }), [], { isAdmin: false }))).not.toContain('approve:d_Xk3v9QpLm2Wd');
  });
});

describe('action canvases', () => {
  it('edit holds the draft in a text area; reject has the eight reasons; escalate asks about the brief', () => {
    const edit = canvasOf(editCanvas(draft())).canvas.content.components;
    expect(edit.find((c) => c.type === 'textarea')).toMatchObject({ id: INPUT.editedText, value: draft().draft });
    const reasons = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ id: `r${n}`, label: `Reason ${n}` }));
    const reject = canvasOf(rejectCanvas(draft(), reasons, { error: 'Pick a reason before rejecting.' })).canvas.content.components;
    expect(reject.find((c) => c.type === 'dropdown')).toMatchObject({ id: INPUT.rejectReason });
    expect(reject.find((c) => c.type === 'text' && c.style === 'error')).toMatchObject({ text: 'Pick a reason before rejecting.' });
    const escalate = canvasOf(escalateCanvas(draft(), { team: '5017691', askBrief: true })).canvas.content.components;
    expect(ids(escalate)).toEqual(expect.arrayContaining([INPUT.escalateReason, INPUT.briefUseful, INPUT.briefMissing, 'send_escalate:d_Xk3v9QpLm2Wd']));
    const guard = canvasOf(guardCanvas(draft(), ['the reply links to https://evil.example, which is not a cited source'])).canvas.content.components;
    expect(ids(guard)).toContain('approve_confirm:d_Xk3v9QpLm2Wd');
  });
});

describe('the canvas schema', () => {
  it('refuses what Intercom would refuse: unknown fields and types, a non-submit action, duplicate ids, a bad option value', () => {
    expect(() => canvasOf([{ type: 'text', text: 'hi', color: 'red' } as unknown as Component])).toThrow(CanvasInvalid);
    expect(() => canvasOf([{ type: 'marquee', text: 'hi' } as unknown as Component])).toThrow(CanvasInvalid);
    expect(() => canvasOf([{ type: 'button', id: 'b', label: 'Go', action: { type: 'url', url: 'https://x' } } as unknown as Component])).toThrow(CanvasInvalid);
    expect(() => canvasOf([{ type: 'button', id: 'b', label: 'A', action: { type: 'submit' } }, { type: 'button', id: 'b', label: 'B', action: { type: 'submit' } }])).toThrow(/unique/);
    const options = [{ type: 'option' as const, id: 'a', text: 'A' }, { type: 'option' as const, id: 'b', text: 'B' }];
    expect(() => canvasOf([{ type: 'dropdown', id: 'd', options, value: 'c' }])).toThrow(CanvasInvalid);
    expect(() => canvasOf([])).toThrow(CanvasInvalid);
  });

  it('refuses content over 64 KB', () => {
    const big = Array.from({ length: 70 }, (_, i): Component => ({ type: 'text', id: `t${i}`, text: 'x'.repeat(1000) }));
    expect(() => canvasOf(big)).toThrow(new RegExp(`over Intercom's ${MAX_CONTENT_BYTES}-byte limit`));
  });

  it('escapes Markdown in untrusted text and links only http(s) sources', () => {
    expect(plainText('**bold** [x](y) snake_case')).toBe('\\*\\*bold\\*\\* \\[x\\](y) snake_case');
    expect(sourceLink('Refunds', 'javascript:alert(1)')).toBe('Refunds');
  });
});

describe('teammate writes', () => {
  it('reply as the teammate who clicked, as HTML with the text escaped; assignment without a body', () => {
    expect(teammateReplyBody('814', 'Hi <b>Sam</b>\n\nThanks')).toEqual({ message_type: 'comment', type: 'admin', admin_id: '814', body: '<p>Hi &lt;b&gt;Sam&lt;/b&gt;</p><p>Thanks</p>' });
    expect(() => teammateReplyBody('814', '  ')).toThrow();
    expect(teamAssignmentBody('814', '5017691')).toEqual({ message_type: 'assignment', type: 'admin', admin_id: '814', assignee_id: '5017691' });
  });
});

describe('settings canvas', () => {
  it('reads the inputs into the raw settings: numbers as numbers, empty fields left out', () => {
    expect(settingsFromInputs({ settings_autopilot_threshold: '0.9', settings_autopilot_sampling: 'half', settings_escalation_team: ' 5017700 ', settings_categories: '  ', settings_delivery_mode: 'note' })).toEqual({
      thresholds: { autopilot: 0.9 },
      sampling: { autopilot_rate: 'half' },
      escalation: { intercom_team_id: '5017700' },
      delivery_mode: 'note',
    });
  });

  it('shows the settings in force, categories as YAML, and each error with its path', () => {
    const components = canvasOf(
      settingsCanvas({ tenant: 'intercom:x7k2pq9a', current: { categories: { categories: [{ id: 'shipping' }] }, thresholds: { autopilot: 0.9 } }, errors: [{ path: 'thresholds.autopilot', message: 'Too big: expected number to be <=1' }] }),
    ).canvas.content.components;
    expect(components.find((c) => c.type === 'textarea')).toMatchObject({ id: INPUT.settingsCategories, value: expect.stringContaining('- id: shipping') });
    expect(components.find((c) => c.type === 'input' && c.id === INPUT.settingsAutopilot)).toMatchObject({ value: '0.9', save_state: 'failed' });
    expect(texts(components)).toContain('thresholds.autopilot: Too big: expected number to be <=1');
  });
});
