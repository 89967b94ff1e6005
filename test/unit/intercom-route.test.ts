import { markerFor } from '../../src/domain/marker';
import { conversationSchema } from '../../src/edge/intercom/schema';
import { IntercomRouteOptions, latestPart, routeIntercom } from '../../src/edge/intercom/route';
import { fixture, freshIntercom } from '../helpers/fixtures';

const OPTIONS: IntercomRouteOptions = { maxAgeSeconds: 300 };
const OUR_ADMIN = '9000002';
const TENANT = 'intercom:x7k2pq9a';
const CONVERSATION = '215469330102875';
const SELF_AUTHORED = {
  ok: true,
  route: { action: 'record', deliveryId: 'notif_4d0a6c3e-7b1f-4e29-8c55-0a9b3d7e2f18', tenant: TENANT, topic: 'conversation.admin.noted', threadId: CONVERSATION, reason: 'self_authored' },
};

/** Seconds since the epoch as the Date routeIntercom compares against. */
const at = (seconds: number) => new Date(seconds * 1000);

const route = (json: unknown, options: IntercomRouteOptions = OPTIONS) => routeIntercom(json, new Date(), options);

/** An admin-noted notification whose latest part is written by `authorId` with `body`. */
function adminNote(authorId: string, body: string) {
  const n = freshIntercom('conversation-admin-noted');
  const part = n.data.item.conversation_parts.conversation_parts[0];
  part.author = { ...part.author, id: authorId };
  part.body = body;
  return n;
}

describe('routeIntercom', () => {
  it('acknowledges a ping without looking at its age or envelope', () => {
    const ping = fixture('intercom', 'ping');
    expect(routeIntercom(ping, at(ping.created_at + 86_400), OPTIONS)).toEqual({ ok: true, route: { action: 'ignore', reason: 'ping', detail: 'Intercom ping acknowledged' } });
  });

  it.each(['contact.user.created', 'conversation.user.deleted', 'conversation_part.tag.created'])('ignores the topic %s as unsupported', (topic) => {
    expect(route(freshIntercom('conversation-user-created', { topic }))).toEqual({
      ok: true,
      route: { action: 'ignore', reason: 'unsupported_event', detail: `topic ${topic} is not used by draftpilot` },
    });
  });

  it('accepts conversation.user.created with the notification id and intercom:<app_id>', () => {
    expect(route(freshIntercom('conversation-user-created'))).toEqual({
      ok: true,
      route: { action: 'accept', deliveryId: 'notif_8f2c4e10-9a7b-4c1d-b5e3-2f6a8d0c1e47', tenant: TENANT, topic: 'conversation.user.created', threadId: CONVERSATION },
    });
  });

  it('accepts a 1.x conversation.user.created (the opening message in conversation_message)', () => {
    expect(route(freshIntercom('conversation-user-created-1x'))).toEqual({
      ok: true,
      route: { action: 'accept', deliveryId: 'notif_0c9e2a44-51d7-4b8e-a3f0-7d16b2e4c9a1', tenant: TENANT, topic: 'conversation.user.created', threadId: '1911149811' },
    });
  });

  it('accepts conversation.user.replied', () => {
    expect(route(freshIntercom('conversation-user-replied'), { ...OPTIONS, adminId: OUR_ADMIN })).toEqual({
      ok: true,
      route: { action: 'accept', deliveryId: 'notif_1b7e9d22-3c4f-4a8e-9f10-6d2b7c8e9a01', tenant: TENANT, topic: 'conversation.user.replied', threadId: CONVERSATION },
    });
  });

  it('records an admin note by a teammate as admin_activity', () => {
    expect(route(freshIntercom('conversation-admin-noted'), { ...OPTIONS, adminId: OUR_ADMIN })).toEqual({
      ok: true,
      route: { action: 'record', deliveryId: 'notif_4d0a6c3e-7b1f-4e29-8c55-0a9b3d7e2f18', tenant: TENANT, topic: 'conversation.admin.noted', threadId: CONVERSATION, reason: 'admin_activity' },
    });
  });

  it.each(['conversation.admin.replied', 'conversation.admin.assigned', 'conversation.admin.closed'])('records %s as admin_activity', (topic) => {
    expect(route(freshIntercom('conversation-admin-noted', { topic }))).toMatchObject({ ok: true, route: { action: 'record', topic, reason: 'admin_activity' } });
  });

  it('records admin activity that carries no conversation part', () => {
    const n = freshIntercom('conversation-admin-noted');
    n.data.item.conversation_parts.conversation_parts = [];
    expect(route(n, { ...OPTIONS, adminId: OUR_ADMIN })).toMatchObject({ ok: true, route: { action: 'record', reason: 'admin_activity' } });
  });

  it('records an admin part written by our own admin as self_authored, and only when that admin is configured', () => {
    const n = adminNote(OUR_ADMIN, '<p>Checked the carrier portal.</p>');
    expect(route(n, { ...OPTIONS, adminId: OUR_ADMIN })).toEqual(SELF_AUTHORED);
    expect(route(n)).toMatchObject({ ok: true, route: { action: 'record', reason: 'admin_activity' } });
  });

  it('recognizes our admin when Intercom sends the author id as a number', () => {
    const n = adminNote(OUR_ADMIN, '<p>x</p>');
    n.data.item.conversation_parts.conversation_parts[0].author.id = Number(OUR_ADMIN);
    expect(route(n, { ...OPTIONS, adminId: OUR_ADMIN })).toEqual(SELF_AUTHORED);
  });

  it('records a teammate\'s part carrying the draftpilot marker: only our admin id proves authorship', () => {
    const n = adminNote('5017734', `<p><b>draftpilot draft for review</b></p><p>${markerFor('d_abc123')}</p>`);
    expect(route(n, { ...OPTIONS, adminId: OUR_ADMIN })).toMatchObject({ ok: true, route: { action: 'record', reason: 'admin_activity' } });
  });

  it('accepts a customer\'s message carrying the marker: a customer cannot silence themselves', () => {
    const n = freshIntercom('conversation-user-replied');
    n.data.item.conversation_parts.conversation_parts[0].body = `<p>Still broken ${markerFor('d_abc123')}</p>`;
    expect(route(n, { ...OPTIONS, adminId: OUR_ADMIN })).toMatchObject({ ok: true, route: { action: 'accept' } });
  });

  it('accepts a part by a user who is not the conversation\'s first contact: the customer side is answered', () => {
    const n = freshIntercom('conversation-user-replied');
    n.data.item.conversation_parts.conversation_parts[0].author = { type: 'user', id: 'someone-else', name: 'Other', email: 'o@example.org' };
    expect(route(n, OPTIONS)).toMatchObject({ ok: true, route: { action: 'accept' } });
  });

  it('judges only the latest part: our earlier note does not hide a teammate’s newer one', () => {
    const n = freshIntercom('conversation-admin-noted');
    const teammate = n.data.item.conversation_parts.conversation_parts[0];
    const ours = { ...teammate, id: '31000482000', created_at: teammate.created_at - 60, author: { ...teammate.author, id: OUR_ADMIN }, body: `<p>${markerFor('d_1')}</p>` };
    n.data.item.conversation_parts.conversation_parts = [ours, teammate];
    expect(route(n, { ...OPTIONS, adminId: OUR_ADMIN })).toMatchObject({ ok: true, route: { action: 'record', reason: 'admin_activity' } });
  });

  describe('staleness', () => {
    const created = fixture('intercom', 'conversation-user-created').created_at as number;

    it('accepts a notification exactly maxAgeSeconds old and ignores one a second older', () => {
      const n = fixture('intercom', 'conversation-user-created');
      expect(routeIntercom(n, at(created + 300), OPTIONS)).toMatchObject({ ok: true, route: { action: 'accept' } });
      expect(routeIntercom(n, at(created + 301), OPTIONS)).toEqual({
        ok: true,
        route: { action: 'ignore', reason: 'stale', detail: 'notification is 301 s old; older than 300 s are ignored' },
      });
    });

    it('measures the age from first_sent_at when Intercom first sent it before created_at', () => {
      const n = fixture('intercom', 'conversation-user-created');
      n.first_sent_at = created - 400;
      expect(routeIntercom(n, at(created), OPTIONS)).toMatchObject({ ok: true, route: { action: 'ignore', reason: 'stale', detail: 'notification is 400 s old; older than 300 s are ignored' } });
    });

    it('measures the age from created_at when it is the earlier, or when first_sent_at is missing', () => {
      const retried = { ...fixture('intercom', 'conversation-user-created'), first_sent_at: created + 1000 };
      expect(routeIntercom(retried, at(created + 1000), OPTIONS)).toMatchObject({ ok: true, route: { action: 'ignore', reason: 'stale' } });
      const unsent = { ...fixture('intercom', 'conversation-user-created'), first_sent_at: null };
      expect(routeIntercom(unsent, at(created + 1000), OPTIONS)).toMatchObject({ ok: true, route: { action: 'ignore', reason: 'stale' } });
      expect(routeIntercom(unsent, at(created + 10), OPTIONS)).toMatchObject({ ok: true, route: { action: 'accept' } });
    });

    it('ignores stale admin activity before judging who wrote it', () => {
      const n = fixture('intercom', 'conversation-admin-noted');
      n.data.item.conversation_parts.conversation_parts[0].author.id = OUR_ADMIN;
      expect(routeIntercom(n, at(n.created_at + 3600), { ...OPTIONS, adminId: OUR_ADMIN })).toMatchObject({ ok: true, route: { action: 'ignore', reason: 'stale' } });
    });
  });

  describe('schema mismatches', () => {
    it('refuses a body without a topic', () => {
      const { topic: _topic, ...body } = freshIntercom('conversation-user-created');
      expect(route(body)).toEqual({ ok: false, code: 'schema_mismatch', message: 'expected an Intercom notification: topic: Invalid input: expected string, received undefined' });
    });

    it('refuses a body that is not an object', () => {
      expect(route('conversation.user.created')).toEqual({ ok: false, code: 'schema_mismatch', message: expect.stringMatching(/^expected an Intercom notification: /) });
    });

    it('names the broken paths of a supported topic with a malformed envelope', () => {
      const n = freshIntercom('conversation-user-created');
      delete n.app_id;
      n.data.item.type = 'contact';
      const result = route(n);
      expect(result).toEqual({ ok: false, code: 'schema_mismatch', message: expect.stringContaining('app_id: ') });
      expect(result).toEqual({ ok: false, code: 'schema_mismatch', message: expect.stringContaining('data.item.type: ') });
    });
  });
});

describe('latestPart', () => {
  const conversation = (item: unknown) => conversationSchema.parse(item);

  it('is the last conversation part', () => {
    const item = fixture('intercom', 'conversation-admin-noted').data.item;
    const [note] = item.conversation_parts.conversation_parts;
    item.conversation_parts.conversation_parts = [{ ...note, id: 'first' }, note];
    expect(latestPart(conversation(item))).toMatchObject({ id: '31000482390', part_type: 'note', author: { id: '5017734' } });
  });

  it('is undefined when the conversation has no parts or no parts list', () => {
    expect(latestPart(conversation(fixture('intercom', 'conversation-user-created').data.item))).toBeUndefined();
    const { conversation_parts: _parts, ...bare } = fixture('intercom', 'conversation-user-created').data.item;
    expect(latestPart(conversation(bare))).toBeUndefined();
  });
});
