import type { Brief } from '../../src/brief/brief';
import { deliveryRequest, testBrief } from '../helpers/delivery-request';
import { renderBriefZendesk } from '../../src/brief/render-brief';
import type { DeliveryRequest } from '../../src/delivery/delivery-port';
import { assertMacroIsPrivate, buildPendingMacro, macroTitle, MacroPolicy, restrictionFor, wantsMacro } from '../../src/delivery/zendesk/pending-macro';
import {
  assertPrivate,
  assertSafeToSend,
  buildTicketUpdate,
  draftpilotTags,
  mergeTags,
  privateNote,
  TicketSnapshot,
  UnsafeDeliveryError,
} from '../../src/delivery/zendesk/request-body';
import { markerFor } from '../../src/domain/marker';
import type { Decision } from '../../src/policy/decide';
import type { Reason } from '../../src/policy/reasons';

const TICKET = '4812';
const STAMP = '2026-11-27T10:02:41Z';
const DRAFT = 'Your parcel left our warehouse yesterday.\nTracking: https://help.acme.test/tracking';

const brief = (reasons: Reason[] = []): Brief => testBrief({ sentiment: { label: 'neutral', score: 0.1 }, escalation_reasons: reasons });

function request(decision: Decision, reasons: Reason[] = [], overrides: Partial<DeliveryRequest> = {}): DeliveryRequest {
  return deliveryRequest({ tenant: 'zendesk:acme', provider: 'zendesk', threadId: TICKET, draftId: 'd_review123', draft: DRAFT, brief: brief(reasons) }, decision, reasons, overrides);
}

const snapshot = (overrides: Partial<TicketSnapshot> = {}): TicketSnapshot => ({ updatedAt: STAMP, tags: ['vip', 'shipping'], ...overrides });

describe('draftpilotTags', () => {
  it('tags the decision and the category', () => {
    expect(draftpilotTags({ decision: 'review', reasons: [], category: 'shipping' })).toEqual(['draftpilot_review', 'draftpilot_cat_shipping']);
    expect(draftpilotTags({ decision: 'autopilot', reasons: [], category: 'shipping' })).toEqual(['draftpilot_autopilot', 'draftpilot_cat_shipping']);
  });

  it('adds one tag per escalation reason, each once', () => {
    expect(draftpilotTags({ decision: 'escalate', reasons: ['account_access', 'negative_sentiment', 'account_access'], category: 'billing' })).toEqual([
      'draftpilot_escalated',
      'draftpilot_reason_account_access',
      'draftpilot_reason_negative_sentiment',
      'draftpilot_cat_billing',
    ]);
  });

  it('turns a category into one lowercase tag word, and drops an empty one', () => {
    expect(draftpilotTags({ decision: 'review', reasons: [], category: ' Billing & Payments! ' })).toEqual(['draftpilot_review', 'draftpilot_cat_billing_payments']);
    expect(draftpilotTags({ decision: 'review', reasons: [], category: '' })).toEqual(['draftpilot_review']);
    expect(draftpilotTags({ decision: 'review', reasons: [], category: '&&' })).toEqual(['draftpilot_review']);
  });
});

describe('mergeTags', () => {
  it('keeps the ticket’s tags first, then adds ours, each once', () => {
    expect(mergeTags(['vip', 'shipping', 'vip'], ['draftpilot_review', 'shipping', 'draftpilot_cat_shipping'])).toEqual([
      'vip',
      'shipping',
      'draftpilot_review',
      'draftpilot_cat_shipping',
    ]);
  });

  it('is our tags alone when the ticket has none', () => {
    expect(mergeTags([], ['draftpilot_review'])).toEqual(['draftpilot_review']);
  });
});

describe('privateNote and assertPrivate', () => {
  it('builds an explicit internal note', () => {
    expect(privateNote('<p>brief</p>')).toEqual({ html_body: '<p>brief</p>', public: false });
  });

  it('accepts only public:false', () => {
    expect(() => assertPrivate({ public: false })).not.toThrow();
  });

  it.each([
    ['public:true', { public: true }],
    ['a missing public flag (Zendesk defaults to public)', {}],
    ['the string "false"', { public: 'false' }],
  ])('refuses %s with a permanent UnsafeDeliveryError', (_name, comment) => {
    let error: unknown;
    try {
      assertPrivate(comment);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsafeDeliveryError);
    expect((error as UnsafeDeliveryError).permanent).toBe(true);
  });
});

describe('assertSafeToSend', () => {
  it('lets a body without a comment through for any decision', () => {
    expect(() => assertSafeToSend({ ticket: {} }, 'review')).not.toThrow();
  });

  it.each<Decision>(['review', 'escalate'])('requires an explicit internal note for %s', (decision) => {
    expect(() => assertSafeToSend({ ticket: { comment: { public: false } } }, decision)).not.toThrow();
    expect(() => assertSafeToSend({ ticket: { comment: { public: true } } }, decision)).toThrow(UnsafeDeliveryError);
    expect(() => assertSafeToSend({ ticket: { comment: {} } }, decision)).toThrow(UnsafeDeliveryError);
  });

  it('requires autopilot to be a public reply', () => {
    expect(() => assertSafeToSend({ ticket: { comment: { public: true } } }, 'autopilot')).not.toThrow();
    expect(() => assertSafeToSend({ ticket: { comment: { public: false } } }, 'autopilot')).toThrow(UnsafeDeliveryError);
  });
});

describe('buildTicketUpdate', () => {
  it('review: the brief with the draft as an internal note, tags merged, safe_update with the ticket’s updated_at', () => {
    const req = request('review');
    const body = buildTicketUpdate(req, snapshot());
    expect(body).toStrictEqual({
      ticket: {
        comment: { html_body: renderBriefZendesk(req.brief, DRAFT, 'review', 'd_review123'), public: false },
        tags: ['vip', 'shipping', 'draftpilot_review', 'draftpilot_cat_shipping'],
        safe_update: true,
        updated_stamp: STAMP,
      },
    });
    const html = (body.ticket.comment as { html_body: string }).html_body;
    expect(html).toContain('<strong>Draft reply (not sent):</strong> Your parcel left our warehouse yesterday.<br>Tracking');
    expect(html).toContain(markerFor('d_review123'));
  });

  it('shadow mode (no snapshot): our tags alone and no safe_update stamp', () => {
    expect(buildTicketUpdate(request('review'), null)).toStrictEqual({
      ticket: {
        comment: { html_body: expect.any(String), public: false },
        tags: ['draftpilot_review', 'draftpilot_cat_shipping'],
      },
    });
  });

  describe.each<Decision>(['review', 'escalate'])('%s', (decision) => {
    it.each<[string, Reason[], string | null, TicketSnapshot | null]>([
      ['no reason, a draft, live', [], DRAFT, snapshot()],
      ['reasons, a draft, live', ['human_requested', 'negative_sentiment'], DRAFT, snapshot()],
      ['reasons, no draft, live', ['guardrail'], null, snapshot()],
      ['no reason, no draft, shadow', [], null, null],
    ])('is always an internal note (%s)', (_name, reasons, draft, snap) => {
      const body = buildTicketUpdate(request(decision, reasons, { draft }), snap, { escalationGroupId: 360001234 });
      expect(body.ticket.comment).toEqual({ html_body: expect.stringContaining(markerFor('d_review123')), public: false });
      expect(body.ticket.comment).not.toHaveProperty('body');
    });
  });

  it('escalate: a handoff note with the suggested reply marked unsent, reason tags, routed to the escalation group', () => {
    const req = request('escalate', ['account_access', 'negative_sentiment'], { draftId: 'd_escal456' });
    const body = buildTicketUpdate(req, snapshot({ tags: [] }), { escalationGroupId: 360001234 });
    expect(body).toStrictEqual({
      ticket: {
        comment: { html_body: renderBriefZendesk(req.brief, DRAFT, 'escalate', 'd_escal456'), public: false },
        tags: ['draftpilot_escalated', 'draftpilot_reason_account_access', 'draftpilot_reason_negative_sentiment', 'draftpilot_cat_shipping'],
        group_id: 360001234,
        safe_update: true,
        updated_stamp: STAMP,
      },
    });
    const html = (body.ticket.comment as { html_body: string }).html_body;
    expect(html).toContain('<strong>draftpilot handoff</strong>');
    expect(html).toContain('<strong>Suggested reply (not sent):</strong>');
    expect(html).toContain('<strong>Why a human:</strong> account_access, negative_sentiment');
  });

  it('escalate: accepts the group id as a numeric string and sends it as a number', () => {
    expect(buildTicketUpdate(request('escalate', ['human_requested']), null, { escalationGroupId: '360001234' }).ticket.group_id).toBe(360001234);
  });

  it('escalate without an escalation group: note and tags only, no group_id', () => {
    expect(buildTicketUpdate(request('escalate', ['human_requested']), null).ticket).not.toHaveProperty('group_id');
    expect(buildTicketUpdate(request('escalate', ['human_requested']), null, { escalationGroupId: '' }).ticket).not.toHaveProperty('group_id');
  });

  it('review never routes to the escalation group', () => {
    expect(buildTicketUpdate(request('review'), null, { escalationGroupId: 360001234 }).ticket).not.toHaveProperty('group_id');
  });

  it.each(['abc', '12.5', 0, -3])('escalate refuses the escalation group id %p', (id) => {
    expect(() => buildTicketUpdate(request('escalate', ['human_requested']), null, { escalationGroupId: id })).toThrow(/escalation group id must be a positive integer/);
  });

  it('names the earlier drafts a note supersedes', () => {
    const body = buildTicketUpdate(request('review', [], { supersedes: ['d_old1', 'd_old2'] }), null);
    expect((body.ticket.comment as { html_body: string }).html_body).toContain('<strong>Supersedes:</strong> the earlier draftpilot notes on this ticket (d_old1, d_old2)');
  });

  it('pending-macro mode: the note points to the macro and leaves the draft out', () => {
    const title = macroTitle(TICKET, 'd_review123');
    const html = (buildTicketUpdate(request('review'), null, { macroTitle: title }).ticket.comment as { html_body: string }).html_body;
    expect(html).toContain(`<strong>Draft reply (not sent):</strong> in the macro <strong>${title}</strong>: Apply macro, search "#4812"`);
    expect(html).not.toContain('Your parcel left our warehouse');
  });

  it('autopilot, clean: the draft as the one public reply', () => {
    const req = request('autopilot', [], { draftId: 'd_auto789' });
    expect(buildTicketUpdate(req, snapshot())).toStrictEqual({
      ticket: {
        comment: { body: DRAFT, public: true },
        tags: ['vip', 'shipping', 'draftpilot_autopilot', 'draftpilot_cat_shipping'],
        safe_update: true,
        updated_stamp: STAMP,
      },
    });
  });

  it.each<[string, Partial<DeliveryRequest>]>([
    ['an escalation reason on the request', { reasons: ['low_confidence'], brief: brief([]) }],
    ['an escalation reason in the brief only', { brief: brief(['guardrail']) }],
    ['no draft', { draft: null }],
    ['a blank draft', { draft: '  \n ' }],
  ])('autopilot with %s publishes nothing', (_name, overrides) => {
    expect(() => buildTicketUpdate(request('autopilot', [], overrides), snapshot())).toThrow(UnsafeDeliveryError);
  });
});

describe('pending macros', () => {
  const off: MacroPolicy = { enabled: false, tenants: [], categories: [] };

  describe('wantsMacro', () => {
    it('follows the policy for a review with a draft: everywhere, per tenant or per category', () => {
      const review = request('review');
      expect(wantsMacro(off, review)).toBe(false);
      expect(wantsMacro({ ...off, enabled: true }, review)).toBe(true);
      expect(wantsMacro({ ...off, tenants: ['zendesk:acme'] }, review)).toBe(true);
      expect(wantsMacro({ ...off, tenants: ['zendesk:other'] }, review)).toBe(false);
      expect(wantsMacro({ ...off, categories: ['shipping'] }, review)).toBe(true);
      expect(wantsMacro({ ...off, categories: ['billing'] }, review)).toBe(false);
    });

    it.each<[string, DeliveryRequest]>([
      ['an escalation', request('escalate', ['human_requested'])],
      ['an autopilot reply', request('autopilot')],
      ['a review without a draft', request('review', [], { draft: null })],
      ['a review with a blank draft', request('review', [], { draft: '   ' })],
    ])('never wants one for %s', (_name, req) => {
      expect(wantsMacro({ enabled: true, tenants: ['zendesk:acme'], categories: ['shipping'] }, req)).toBe(false);
    });
  });

  describe('restrictionFor', () => {
    it('restricts to the assignee when there is one', () => {
      expect(restrictionFor({ assigneeId: '9160445566', groupId: '360009876543' })).toEqual({ type: 'User', id: 9160445566 });
    });

    it('falls back to the group', () => {
      expect(restrictionFor({ assigneeId: null, groupId: '360009876543' })).toEqual({ type: 'Group', id: 360009876543, ids: [360009876543] });
      expect(restrictionFor({ assigneeId: 'not-a-number', groupId: '42' })).toEqual({ type: 'Group', id: 42, ids: [42] });
    });

    it('is null when the ticket has neither assignee nor group', () => {
      expect(restrictionFor({})).toBeNull();
      expect(restrictionFor({ assigneeId: null, groupId: '' })).toBeNull();
    });
  });

  it('macroTitle carries the ticket and the draft id', () => {
    expect(macroTitle('4812', 'd_review123')).toBe('draftpilot #4812 reply draft (d_review123)');
  });

  describe('buildPendingMacro', () => {
    it('holds the draft as HTML and opens the composer as an internal note, restricted as given', () => {
      const body = buildPendingMacro(request('review', [], { draft: 'Hi <Dana> & co,\nit ships today.\n\nThanks!' }), { type: 'User', id: 9160445566 });
      expect(body).toEqual({
        macro: {
          title: 'draftpilot #4812 reply draft (d_review123)',
          description: expect.stringContaining('draftpilot draft for ticket #4812 (category shipping). Opens as an internal note'),
          active: true,
          restriction: { type: 'User', id: 9160445566 },
          actions: [
            { field: 'comment_value_html', value: '<p>Hi &lt;Dana&gt; &amp; co,<br>it ships today.</p><p>Thanks!</p>' },
            { field: 'comment_mode_is_public', value: false },
          ],
        },
      });
    });

    it.each<[string, DeliveryRequest]>([
      ['an escalation', request('escalate', ['human_requested'])],
      ['an autopilot decision', request('autopilot')],
      ['a review without a draft', request('review', [], { draft: null })],
      ['a review with a blank draft', request('review', [], { draft: ' \n' })],
    ])('refuses %s', (_name, req) => {
      expect(() => buildPendingMacro(req, { type: 'Group', id: 42, ids: [42] })).toThrow(UnsafeDeliveryError);
    });
  });

  describe('assertMacroIsPrivate', () => {
    const restriction = { type: 'Group', id: 42, ids: [42] };
    const macro = (actions: { field: string; value: unknown }[], options: { restriction?: unknown } = { restriction }) => ({ macro: { actions, restriction: options.restriction } });
    const html = { field: 'comment_value_html', value: '<p>Hi</p>' };

    it('passes a macro that opens an internal note and is restricted', () => {
      expect(() => assertMacroIsPrivate(macro([html, { field: 'comment_mode_is_public', value: false }]))).not.toThrow();
    });

    it.each<[string, ReturnType<typeof macro>]>([
      ['opens a public reply', macro([html, { field: 'comment_mode_is_public', value: true }])],
      ['leaves the composer mode unset', macro([html])],
      ['sets the mode twice', macro([{ field: 'comment_mode_is_public', value: false }, html, { field: 'comment_mode_is_public', value: true }])],
      ['is unrestricted', macro([html, { field: 'comment_mode_is_public', value: false }], {})],
    ])('refuses a macro that %s', (_name, body) => {
      expect(() => assertMacroIsPrivate(body)).toThrow(UnsafeDeliveryError);
    });
  });
});
