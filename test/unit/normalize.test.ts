import { intercomBodyFormats, normalizeIntercom } from '../../src/edge/intercom/normalize';
import { intercomEdge } from '../../src/edge/intercom/intercom-edge';
import { zendeskEdge } from '../../src/edge/zendesk/zendesk-edge';
import { htmlToText, looksLikeHtml } from '../../src/domain/html-to-text';
import { markerFor } from '../../src/domain/marker';
import { threadSchema } from '../../src/domain/thread';
import { normalizeZendesk } from '../../src/edge/zendesk/normalize';
import { mergeThread } from '../../src/threads/merge-thread';
import { fixture, freshIntercom } from '../helpers/fixtures';

const ctx = { deliveryId: 'd1', tenant: 'zendesk:acme', receivedAt: '2026-11-27T10:00:00.000Z' };

describe('normalizeZendesk', () => {
  it('turns ticket.created into a thread whose first message is the description', () => {
    const thread = normalizeZendesk(fixture('zendesk', 'ticket-created'), ctx);
    expect(threadSchema.parse(thread)).toEqual(thread);
    expect(thread).toMatchObject({ id: '4812', status: 'new', tags: ['web_form'], requester: { id: '9160112233' } });
    expect(thread.messages).toEqual([
      { id: '4812-description', author: 'customer', public: true, text: expect.stringContaining('blender'), createdAt: '2026-11-27T09:14:02Z' },
    ]);
  });

  it('marks comments by the requester as customer, staff as agent, and our own as ai', () => {
    const body = fixture('zendesk', 'comment-added');
    expect(normalizeZendesk(body, ctx).messages[0]!.author).toBe('customer');
    body.event.comment.author = { id: '555', is_staff: true, name: 'Agent' };
    expect(normalizeZendesk(body, ctx).messages[0]!.author).toBe('agent');
    body.event.comment.author = { id: '9000000001', is_staff: true, name: 'draftpilot' };
    expect(normalizeZendesk(body, ctx, { botUserId: '9000000001' }).messages[0]!.author).toBe('ai');
    // The marker proves nothing without the author: someone else's comment carrying it stays theirs.
    body.event.comment.author = { id: '556', is_staff: true, name: 'someone' };
    body.event.comment.body = `draft ${markerFor('d_1')}`;
    expect(normalizeZendesk(body, ctx, { botUserId: '9000000001' }).messages[0]!.author).toBe('agent');
  });

  it('reads the first comment of ticket.created as the submitter\'s, public or not', () => {
    const body = fixture('zendesk', 'ticket-created');
    // an agent opens the ticket for the customer: the description is the agent's
    body.detail.submitter_id = '9160445566';
    expect(normalizeZendesk(body, ctx).messages[0]).toMatchObject({ author: 'agent', public: true });
    // a ticket that starts with an internal note (the ticket's is_public is false)
    body.detail.submitter_id = body.detail.requester_id;
    body.detail.is_public = false;
    expect(normalizeZendesk(body, ctx).messages[0]).toMatchObject({ author: 'customer', public: false });
    body.detail.submitter_id = '9000000001';
    expect(normalizeZendesk(body, ctx, { botUserId: '9000000001' }).messages[0]).toMatchObject({ author: 'ai', public: false });
  });

  it('labels a public comment by an end user who is not the requester (a CC) as the customer, as the API reader does', () => {
    const body = fixture('zendesk', 'comment-added');
    body.event.comment.author = { id: '9160999999', is_staff: false, name: 'A colleague in CC' };
    expect(normalizeZendesk(body, ctx).messages[0]).toMatchObject({ author: 'customer', public: true });
    // without is_staff only the requester is known to be the customer
    body.event.comment.author = { id: '9160999999', name: 'Someone' };
    expect(normalizeZendesk(body, ctx).messages[0]!.author).toBe('agent');
  });

  it('reads the trigger body; a trigger without text yields a thread with no messages', () => {
    const body = fixture('zendesk', 'trigger-comment');
    expect(normalizeZendesk(body, ctx).messages.map((m) => m.text)).toEqual([body.text]);
    delete body.text;
    expect(normalizeZendesk(body, ctx)).toMatchObject({ id: '4813', messages: [] });
  });
});

describe('solve events', () => {
  it('a Zendesk status change to solved: the ticket’s new status, no message, and the solve the sampling reads', () => {
    const body = fixture('zendesk', 'ticket-status-solved');
    expect(normalizeZendesk(body, ctx)).toMatchObject({ id: '4812', status: 'solved', messages: [] });
    const edge = zendeskEdge({ secrets: ['s'], toleranceSeconds: 300 });
    expect(edge.solveOf(body)).toEqual({ at: '2026-11-27T15:40:12Z' });
    // no message to read from the API: the solve is not a comment
    expect(edge.announcesMessage(body)).toBe(false);
    expect(edge.solveOf(fixture('zendesk', 'comment-added'))).toBeUndefined();
    expect(edge.solveOf({ ...body, event: { current: 'OPEN', previous: 'SOLVED' } })).toBeUndefined();
  });

  it('an Intercom close: the conversation closed, no message, and its rating', () => {
    const body = fixture('intercom', 'conversation-admin-closed');
    expect(normalizeIntercom(body, { ...ctx, tenant: 'intercom:x7k2pq9a' })).toMatchObject({ status: 'closed', messages: [expect.objectContaining({ id: 'source-2201848891' })] });
    const edge = intercomEdge({ secrets: ['s'], maxAgeSeconds: 3600 });
    expect(edge.solveOf(body)).toEqual({ at: new Date(1795773601 * 1000).toISOString(), rating: 2 });
    expect(edge.solveOf({ ...body, data: { ...body.data, item: { ...body.data.item, conversation_rating: null } } })).toEqual({ at: new Date(1795773601 * 1000).toISOString() });
    expect(edge.solveOf(fixture('intercom', 'conversation-admin-noted'))).toBeUndefined();
  });
});

describe('normalizeIntercom', () => {
  const ictx = { ...ctx, tenant: 'intercom:x7k2pq9a' };
  it('reads the source and the parts, HTML turned into text, notes private', () => {
    const n = freshIntercom('conversation-admin-noted');
    const thread = normalizeIntercom(n, ictx);
    expect(threadSchema.parse(thread)).toEqual(thread);
    expect(thread.messages.map((m) => [m.author, m.public])).toEqual([
      ['customer', true],
      ['agent', false],
    ]);
    expect(normalizeIntercom(n, ictx, { adminId: '5017734' }).messages[1]!.author).toBe('ai');
  });

  it('reads a 1.x conversation.user.created: the opening message is in conversation_message', () => {
    // Intercom's 1.x conversation model: conversation_message, user and customers instead of source and contacts
    const n = freshIntercom('conversation-user-created-1x');
    const thread = normalizeIntercom(n, ictx);
    expect(threadSchema.parse(thread)).toEqual(thread);
    expect(thread.messages).toEqual([
      { id: 'source-269650473', author: 'customer', public: true, text: 'Hi, how long does standard delivery take?', createdAt: new Date(1795770000 * 1000).toISOString() },
    ]);
    expect(thread.requester.id).toBe('5bc8f7421ffae2d96695c18a');
    // 1.x bodies are HTML even when the app's version would say plain text
    expect(normalizeIntercom(n, ictx, { apiVersion: '2.15' }).messages[0]!.text).toBe('Hi, how long does standard delivery take?');
  });

  it('keeps a 2.15 plain-text part as written: `Use code <ABC123>` is not HTML', () => {
    const n = freshIntercom('conversation-user-replied');
    // API 2.15+: "In webhook payloads for API version 2.15+, this field returns plain text."
    n.data.item.conversation_parts.conversation_parts[0].body = 'Use code <ABC123> at checkout & tell me if it fails.\nThanks';
    const text = 'Use code <ABC123> at checkout & tell me if it fails.\nThanks';
    expect(normalizeIntercom(n, ictx, { apiVersion: '2.15' }).messages[1]!.text).toBe(text);
    expect(normalizeIntercom(n, ictx).messages[1]!.text).toBe(text); // auto: no HTML element in it
    expect(normalizeIntercom(n, ictx, { apiVersion: 'Unstable' }).messages[1]!.text).toBe(text);
    expect(htmlToText(n.data.item.conversation_parts.conversation_parts[0].body)).not.toContain('ABC123'); // what the converter did
    // the app on 2.14: bodies are HTML, entities decoded
    n.data.item.conversation_parts.conversation_parts[0].body = '<p>Use code &lt;ABC123&gt; &amp; go</p>';
    expect(normalizeIntercom(n, ictx, { apiVersion: '2.14' }).messages[1]!.text).toBe('Use code <ABC123> & go');
    expect(normalizeIntercom(n, ictx).messages[1]!.text).toBe('Use code <ABC123> & go');
  });

  it('tells the body formats apart by the app\'s API version', () => {
    expect(intercomBodyFormats('2.14')).toEqual({ source: 'html', parts: 'html' });
    expect(intercomBodyFormats('2.15')).toEqual({ source: 'auto', parts: 'text' });
    expect(intercomBodyFormats('3.0')).toEqual({ source: 'auto', parts: 'text' });
    expect(intercomBodyFormats('auto')).toEqual({ source: 'auto', parts: 'auto' });
    expect(looksLikeHtml('<p>Hi</p>')).toBe(true);
    expect(looksLikeHtml('a<br>b')).toBe(true);
    expect(looksLikeHtml('I <3 it, code <ABC123>, 2 < 3 > 1')).toBe(false);
  });
});

describe('htmlToText', () => {
  it('keeps paragraphs and decodes entities', () => {
    expect(htmlToText('<p>Hi &amp; welcome</p><p>Line&nbsp;two &#x1F600; &#39;q&#39;</p>')).toBe("Hi & welcome\nLine two 😀 'q'");
  });
});

describe('mergeThread', () => {
  it('unions messages by id, keeps time order, and takes newer metadata when present', () => {
    const a = normalizeZendesk(fixture('zendesk', 'ticket-created'), ctx);
    const b = normalizeZendesk(fixture('zendesk', 'comment-added'), ctx);
    const merged = mergeThread(mergeThread(a, b), b);
    expect(merged.messages.map((m) => m.id)).toEqual(['4812-description', '29384756101']);
    expect(merged.status).toBe('open');
    expect(merged.tags).toEqual(['web_form', 'shipping']);
    const older = mergeThread(b, a); // a delivery that arrives late still sorts by time
    expect(older.messages.map((m) => m.id)).toEqual(['4812-description', '29384756101']);
  });
});
