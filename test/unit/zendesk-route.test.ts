import { createHash } from 'node:crypto';
import triggerTemplate from '../../webhooks/zendesk/setup/trigger-body.json';
import { markerFor } from '../../src/domain/marker';
import type { Headers } from '../../src/edge/provider-edge';
import { routeZendesk, tenantOfDelivery, ZendeskRouteOptions } from '../../src/edge/zendesk/route';
import { fixture } from '../helpers/fixtures';

const ACME: ZendeskRouteOptions = { subdomain: 'acme' };
const BOT = '9000000001';

/** Routes a body as the edge does: the raw bytes are the JSON as sent. */
function route(json: unknown, options: ZendeskRouteOptions = ACME, headers: Headers = {}) {
  return routeZendesk(json, headers, Buffer.from(JSON.stringify(json)), options);
}

describe('tenantOfDelivery', () => {
  it('is zendesk:<subdomain> when a subdomain is configured, whatever account id arrived', () => {
    expect(tenantOfDelivery({ subdomain: 'acme' }, '10481234')).toBe('zendesk:acme');
  });

  it('falls back to zendesk:account-<id>, or account-unknown without an id', () => {
    expect(tenantOfDelivery({}, '10481234')).toBe('zendesk:account-10481234');
    expect(tenantOfDelivery({}, null)).toBe('zendesk:account-unknown');
    expect(tenantOfDelivery({}, undefined)).toBe('zendesk:account-unknown');
  });
});

describe('routeZendesk: event-connected webhooks', () => {
  it('accepts ticket.created with the event id, tenant, topic and ticket id', () => {
    expect(route(fixture('zendesk', 'ticket-created'))).toEqual({
      ok: true,
      route: { action: 'accept', deliveryId: '01JQ8W5R4M2V6Y7T9B3C5D7F9H', tenant: 'zendesk:acme', topic: 'ticket.created', threadId: '4812' },
    });
  });

  it('names the tenant after the numeric account id when no subdomain is configured', () => {
    expect(route(fixture('zendesk', 'ticket-created'), {})).toEqual({
      ok: true,
      route: { action: 'accept', deliveryId: '01JQ8W5R4M2V6Y7T9B3C5D7F9H', tenant: 'zendesk:account-10481234', topic: 'ticket.created', threadId: '4812' },
    });
  });

  it('accepts a public comment by the requester', () => {
    expect(route(fixture('zendesk', 'comment-added'), { ...ACME, botUserId: BOT })).toEqual({
      ok: true,
      route: { action: 'accept', deliveryId: '01JQ8X2A7K4N6P8R0T2V4X6Z8B', tenant: 'zendesk:acme', topic: 'ticket.comment_added', threadId: '4812' },
    });
  });

  it('treats a comment without is_public as public (Zendesk’s default)', () => {
    const body = fixture('zendesk', 'comment-added');
    delete body.event.comment.is_public;
    expect(route(body)).toMatchObject({ ok: true, route: { action: 'accept' } });
  });

  it('records an internal note without drafting, even one written by staff', () => {
    const body = fixture('zendesk', 'comment-added');
    body.event.comment.is_public = false;
    const expected = { ok: true, route: { action: 'record', deliveryId: '01JQ8X2A7K4N6P8R0T2V4X6Z8B', tenant: 'zendesk:acme', topic: 'ticket.comment_added', threadId: '4812', reason: 'internal_note' } };
    expect(route(body)).toEqual(expected);
    body.event.comment.author = { id: '555', is_staff: true, name: 'Agent' };
    expect(route(body)).toEqual(expected);
  });

  it('records a public staff comment as agent_comment', () => {
    const body = fixture('zendesk', 'comment-added');
    body.event.comment.author = { id: '555', is_staff: true, name: 'Agent' };
    expect(route(body)).toEqual({
      ok: true,
      route: { action: 'record', deliveryId: '01JQ8X2A7K4N6P8R0T2V4X6Z8B', tenant: 'zendesk:acme', topic: 'ticket.comment_added', threadId: '4812', reason: 'agent_comment' },
    });
  });

  it('records a comment by the configured bot user as self_authored, and only when that user is configured', () => {
    const body = fixture('zendesk', 'comment-added');
    body.event.comment.author = { id: Number(BOT), is_staff: true, name: 'draftpilot' };
    expect(route(body, { ...ACME, botUserId: BOT })).toEqual({
      ok: true,
      route: { action: 'record', deliveryId: '01JQ8X2A7K4N6P8R0T2V4X6Z8B', tenant: 'zendesk:acme', topic: 'ticket.comment_added', threadId: '4812', reason: 'self_authored' },
    });
    expect(route(body, ACME)).toMatchObject({ ok: true, route: { action: 'record', reason: 'agent_comment' } });
  });

  it('treats the marker in a customer\'s comment as text: the comment is accepted, the customer cannot silence themselves', () => {
    const body = fixture('zendesk', 'comment-added');
    body.event.comment.body = `Please help ${markerFor('d_abc123')}`;
    expect(route(body, { ...ACME, botUserId: BOT })).toMatchObject({ ok: true, route: { action: 'accept' } });
    body.event.comment.body = null;
    body.event.comment.html_body = `<p>${markerFor('d_abc123')}</p>`;
    expect(route(body, ACME)).toMatchObject({ ok: true, route: { action: 'accept' } });
  });

  it('takes a note carrying the marker as draftpilot\'s only when draftpilot\'s user wrote it', () => {
    const body = fixture('zendesk', 'comment-added');
    body.event.comment.is_public = false;
    body.event.comment.body = `Draft for review\n${markerFor('d_abc123')}`;
    body.event.comment.author = { id: Number(BOT), is_staff: true, name: 'draftpilot' };
    expect(route(body, { ...ACME, botUserId: BOT })).toMatchObject({ ok: true, route: { action: 'record', reason: 'self_authored' } });
    body.event.comment.author = { id: 555, is_staff: true, name: 'Agent' };
    expect(route(body, { ...ACME, botUserId: BOT })).toMatchObject({ ok: true, route: { action: 'record', reason: 'internal_note' } });
  });

  it('accepts a public comment by an end user who is not the requester (a CC): the customer side is answered', () => {
    const body = fixture('zendesk', 'comment-added');
    body.event.comment.author = { id: '9160999999', is_staff: false, name: 'A colleague in CC' };
    expect(route(body, ACME)).toMatchObject({ ok: true, route: { action: 'accept', threadId: '4812' } });
    // is_staff not given: only the requester is known to be the customer
    body.event.comment.author = { id: '9160999999', name: 'Someone' };
    expect(route(body, ACME)).toMatchObject({ ok: true, route: { action: 'record', reason: 'agent_comment' } });
  });

  // Zendesk's documented ticket.created example: detail.is_public, submitter_id and requester_id, and
  // an event time with nanoseconds (developer.zendesk.com/api-reference/webhooks/event-types/ticket-events).
  const documentedTicketCreated = () => ({
    account_id: 22129848,
    detail: {
      actor_id: '8447388090494', assignee_id: '8447388090494', brand_id: '8447346621310', created_at: '2025-01-08T10:12:07Z',
      custom_status: '8447320465790', description: 'Customer is experiencing login issues with the mobile app', external_id: null,
      form_id: '8646151517822', group_id: '8447320466430', id: '5158', is_public: true, organization_id: '8447346622462', priority: 'HIGH',
      requester_id: '8447388090494', status: 'OPEN', subject: 'Cannot login to mobile app', submitter_id: '8447388090494',
      tags: ['mobile', 'login'], type: 'PROBLEM', updated_at: '2025-01-08T10:12:07Z', via: { channel: 'web_service' },
    },
    event: {},
    id: 'cbe4028c-7239-495d-b020-f22348516046',
    subject: 'zen:ticket:5158',
    time: '2025-01-08T10:12:07.672717030Z',
    type: 'zen:event-type:ticket.created',
    zendesk_event_version: '2022-11-06',
  });

  it('accepts a ticket the requester opened with a public comment (the documented example)', () => {
    expect(route(documentedTicketCreated())).toEqual({
      ok: true,
      route: { action: 'accept', deliveryId: 'cbe4028c-7239-495d-b020-f22348516046', tenant: 'zendesk:acme', topic: 'ticket.created', threadId: '5158' },
    });
  });

  it('records a ticket an agent opened for a customer: the submitter is not the requester', () => {
    const body = documentedTicketCreated();
    body.detail.submitter_id = '8447388090495';
    expect(route(body)).toMatchObject({ ok: true, route: { action: 'record', reason: 'agent_comment', threadId: '5158' } });
  });

  it('records a ticket whose first comment is an internal note (is_public false)', () => {
    const body = documentedTicketCreated();
    body.detail.is_public = false;
    expect(route(body)).toMatchObject({ ok: true, route: { action: 'record', reason: 'internal_note' } });
  });

  it('records a ticket draftpilot\'s own user opened as self_authored', () => {
    const body = documentedTicketCreated();
    body.detail.submitter_id = BOT;
    expect(route(body, { ...ACME, botUserId: BOT })).toMatchObject({ ok: true, route: { action: 'record', reason: 'self_authored' } });
  });

  it('refuses an event whose time is not an ISO 8601 time', () => {
    expect(route({ ...documentedTicketCreated(), time: 'yesterday' })).toEqual({ ok: false, code: 'schema_mismatch', message: 'time: expected an ISO 8601 time' });
  });

  it('does not mistake a customer quoting "draftpilot" for the marker', () => {
    const body = fixture('zendesk', 'comment-added');
    body.event.comment.body = 'Is draftpilot ref d_1 a bot? [draftpilot ref ]';
    expect(route(body)).toMatchObject({ ok: true, route: { action: 'accept' } });
  });

  it('ignores event types draftpilot does not subscribe to', () => {
    const body = { ...fixture('zendesk', 'ticket-created'), type: 'zen:event-type:ticket.priority_changed' };
    expect(route(body)).toEqual({
      ok: true,
      route: { action: 'ignore', reason: 'unsupported_event', detail: 'event type zen:event-type:ticket.priority_changed is not used by draftpilot' },
    });
  });

  it('records a ticket set to solved under the topic ticket.solved, for the sampling of solved conversations (nothing drafted)', () => {
    expect(route(fixture('zendesk', 'ticket-status-solved'))).toEqual({
      ok: true,
      route: { action: 'record', deliveryId: '01JQ9A1B2C3D4E5F6G7H8J9K0M', tenant: 'zendesk:acme', topic: 'ticket.solved', threadId: '4812', reason: 'solved' },
    });
  });

  it('ignores a status change to anything but solved', () => {
    const body = fixture('zendesk', 'ticket-status-solved');
    body.event = { current: 'PENDING', previous: 'OPEN' };
    expect(route(body)).toEqual({ ok: true, route: { action: 'ignore', reason: 'unsupported_event', detail: 'a status change to pending is not used by draftpilot (only to solved)' } });
  });

  it('names the missing field of a status change without its event', () => {
    const body = { ...fixture('zendesk', 'ticket-status-solved'), event: {} };
    expect(route(body)).toEqual({ ok: false, code: 'schema_mismatch', message: expect.stringContaining('event.current') });
  });

  it.each([
    ['an empty object', {}],
    ['null', null],
    ['an array', [fixture('zendesk', 'ticket-created')]],
    ['a type without the zen:event-type: prefix', { ...fixture('zendesk', 'ticket-created'), type: 'ticket.created' }],
    ['a trigger flag other than 1', { ...fixture('zendesk', 'trigger-comment'), draftpilot_trigger: 2 }],
  ])('answers schema_mismatch for a body that is neither an event nor the trigger body: %s', (_name, body) => {
    expect(route(body)).toEqual({
      ok: false,
      code: 'schema_mismatch',
      message: expect.stringContaining('expected a Zendesk event (type "zen:event-type:...") or the draftpilot trigger body'),
    });
  });

  it('names the missing field of a malformed ticket.created', () => {
    const body = fixture('zendesk', 'ticket-created');
    delete body.detail.id;
    expect(route(body)).toEqual({ ok: false, code: 'schema_mismatch', message: 'detail.id: Invalid input' });
  });

  it('names every broken path of a malformed comment_added', () => {
    const body = fixture('zendesk', 'comment-added');
    body.subject = 'ticket 4812';
    delete body.event.comment.author;
    const result = route(body);
    expect(result).toEqual({ ok: false, code: 'schema_mismatch', message: expect.stringContaining('subject: expected "zen:ticket:<id>"') });
    expect(result).toEqual({ ok: false, code: 'schema_mismatch', message: expect.stringContaining('event.comment.author: ') });
  });
});

describe('routeZendesk: trigger-connected webhooks', () => {
  const INVOCATION = { 'x-zendesk-webhook-invocation-id': 'inv-8812' };

  it('accepts the trigger body with the invocation id as delivery id', () => {
    expect(route(fixture('zendesk', 'trigger-comment'), ACME, INVOCATION)).toEqual({
      ok: true,
      route: { action: 'accept', deliveryId: 'inv-8812', tenant: 'zendesk:acme', topic: 'ticket.comment_added', threadId: '4813' },
    });
  });

  it('takes the first value of a repeated invocation header', () => {
    const result = route(fixture('zendesk', 'trigger-comment'), ACME, { 'x-zendesk-webhook-invocation-id': ['inv-1', 'inv-2'] });
    expect(result).toMatchObject({ ok: true, route: { deliveryId: 'inv-1' } });
  });

  it('without the invocation header, derives the delivery id from a sha256 of the raw body', () => {
    const body = fixture('zendesk', 'trigger-comment');
    const raw = Buffer.from(JSON.stringify(body));
    const expected = `sha256-${createHash('sha256').update(raw).digest('hex').slice(0, 40)}`;
    expect(routeZendesk(body, {}, raw, ACME)).toMatchObject({ ok: true, route: { action: 'accept', deliveryId: expected } });
  });

  it('gives a redelivered body the same id and a different body a different one', () => {
    const idOf = (body: unknown) => {
      const result = route(body);
      if (!result.ok || result.route.action !== 'accept') throw new Error(`not accepted: ${JSON.stringify(result)}`);
      return result.route.deliveryId;
    };
    const first = idOf(fixture('zendesk', 'trigger-comment'));
    expect(idOf(fixture('zendesk', 'trigger-comment'))).toBe(first);
    const otherComment = { ...fixture('zendesk', 'trigger-comment'), text: 'And the box was wet.' };
    expect(idOf(otherComment)).not.toBe(first);
  });

  it('names the tenant after account_id, else the x-zendesk-account-id header, else unknown', () => {
    const tenant = (body: unknown, headers: Headers = {}) => {
      const result = route(body, {}, headers);
      return result.ok && result.route.action === 'accept' ? result.route.tenant : result;
    };
    const withId = fixture('zendesk', 'trigger-comment');
    expect(tenant(withId, { 'x-zendesk-account-id': '777' })).toBe('zendesk:account-10481234');
    expect(tenant({ ...withId, account_id: '' }, { 'x-zendesk-account-id': '777' })).toBe('zendesk:account-777');
    const { account_id: _dropped, ...withoutId } = withId;
    expect(tenant(withoutId, { 'x-zendesk-account-id': '777' })).toBe('zendesk:account-777');
    expect(tenant(withoutId)).toBe('zendesk:account-unknown');
  });

  it('routes event "ticket.created" as the ticket.created topic', () => {
    const body = { ...fixture('zendesk', 'trigger-comment'), event: 'ticket.created' };
    expect(route(body, ACME, INVOCATION)).toEqual({
      ok: true,
      route: { action: 'accept', deliveryId: 'inv-8812', tenant: 'zendesk:acme', topic: 'ticket.created', threadId: '4813' },
    });
  });

  it.each(['false', false])('records comment_public %p as an internal note', (flag) => {
    const body = { ...fixture('zendesk', 'trigger-comment'), comment_public: flag };
    expect(route(body, ACME, INVOCATION)).toEqual({
      ok: true,
      route: { action: 'record', deliveryId: 'inv-8812', tenant: 'zendesk:acme', topic: 'ticket.comment_added', threadId: '4813', reason: 'internal_note' },
    });
  });

  it('records a trigger for a comment by the bot user as self_authored; the marker in the text proves nothing', () => {
    const byBot = { ...fixture('zendesk', 'trigger-comment'), comment_author_id: BOT };
    expect(route(byBot, { ...ACME, botUserId: BOT }, INVOCATION)).toEqual({
      ok: true,
      route: { action: 'record', deliveryId: 'inv-8812', tenant: 'zendesk:acme', topic: 'ticket.comment_added', threadId: '4813', reason: 'self_authored' },
    });
    const marked = { ...fixture('zendesk', 'trigger-comment'), text: `help ${markerFor('d_9')}` };
    expect(route(marked, { ...ACME, botUserId: BOT }, INVOCATION)).toMatchObject({ ok: true, route: { action: 'accept' } });
  });

  it('records a trigger for a comment whose author is not the requester: a trigger body names no role, so it is taken as staff', () => {
    const other = { ...fixture('zendesk', 'trigger-comment'), comment_author_id: '9160445566' };
    expect(other.comment_author_id).not.toBe(other.requester_id);
    expect(route(other, ACME, INVOCATION)).toMatchObject({ ok: true, route: { action: 'record', reason: 'agent_comment', threadId: other.ticket_id } });
  });

  it('accepts the shipped trigger template once Zendesk has filled in its placeholders', () => {
    const values: Record<string, string> = {
      'ticket.id': '4813',
      'ticket.requester.id': '9160778899',
      'current_user.id': '9160778899',
      'ticket.latest_comment.is_public': 'true',
      'ticket.status': 'open',
    };
    const rendered = JSON.stringify(triggerTemplate).replace(/\{\{([^}]+)\}\}/g, (_whole, name: string) => {
      const value = values[name];
      if (value === undefined) throw new Error(`the template uses a placeholder this test does not fill: ${name}`);
      return value;
    });
    expect(routeZendesk(JSON.parse(rendered), { ...INVOCATION, 'x-zendesk-account-id': '10481234' }, Buffer.from(rendered), {})).toEqual({
      ok: true,
      route: { action: 'accept', deliveryId: 'inv-8812', tenant: 'zendesk:account-10481234', topic: 'ticket.comment_added', threadId: '4813' },
    });
  });

  it('names the broken fields of a malformed trigger body', () => {
    const body = fixture('zendesk', 'trigger-comment');
    delete body.ticket_id;
    body.event = 'comment.deleted';
    const result = route(body, ACME, INVOCATION);
    expect(result).toEqual({ ok: false, code: 'schema_mismatch', message: expect.stringContaining('ticket_id: ') });
    expect(result).toEqual({ ok: false, code: 'schema_mismatch', message: expect.stringContaining('event: ') });
  });

  it('refuses a comment_public that is neither a boolean nor "true"/"false"', () => {
    const body = { ...fixture('zendesk', 'trigger-comment'), comment_public: 'yes' };
    expect(route(body, ACME, INVOCATION)).toEqual({ ok: false, code: 'schema_mismatch', message: expect.stringContaining('comment_public: ') });
  });
});
