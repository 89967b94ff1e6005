import { intercomAccess } from '../../src/helpdesk/access';
import { staticAccessToken } from '../../src/helpdesk/zendesk/oauth';
import { markerFor } from '../../src/domain/marker';
import type { SampleRequest } from '../../src/delivery/sample-port';
import { IntercomSampleWriter } from '../../src/delivery/intercom/sample-writer';
import { buildSampleUpdate } from '../../src/delivery/zendesk/sample-body';
import { ZendeskSampleWriter } from '../../src/delivery/zendesk/sample-writer';
import { IntercomStandIn } from '../helpers/intercom-stand-in';
import { ZendeskStandIn } from '../helpers/zendesk-stand-in';

/**
 * The sample writers against the local stand-ins: a retried delivery (a job run again after the note
 * was written but before it was recorded) finds the sample's marker and writes nothing; shadow mode
 * reads and writes nothing and reports the would-be writes; the note is never public.
 */

const BOT = 9000000001;
const ADMIN_ID = '9000002';

const request = (overrides: Partial<SampleRequest>): SampleRequest => ({
  tenant: 'zendesk:acme',
  provider: 'zendesk',
  threadId: '8300',
  sampleId: 's_AbCdEfGhIjKl',
  draftId: 'd_AbCdEfGhIjKl',
  kind: 'solved',
  stratum: 'human_bad',
  signals: ['repeat_contact'],
  category: 'ship<ping>',
  ...overrides,
});

describe('Zendesk sample writer', () => {
  const zendesk = new ZendeskStandIn({ botUserId: BOT, token: 'zd-sample-token' });
  beforeAll(() => zendesk.start());
  afterAll(() => zendesk.stop());

  it('writes one internal note with the sample tags; a retry finds its marker and writes nothing', async () => {
    zendesk.addTicket('8300', 'Where is my parcel?');
    const writer = new ZendeskSampleWriter({ shadow: false, access: { baseUrl: zendesk.baseUrl, tokens: staticAccessToken('zd-sample-token') }, tenant: 'zendesk:acme', botUserId: String(BOT) });
    const first = await writer.deliverSample(request({}), { firstAttempt: true });
    expect(first).toMatchObject({ written: true, shadow: false, apiCalls: 2 });
    const retry = await writer.deliverSample(request({}));
    expect(retry).toMatchObject({ written: false, writes: [], detail: expect.stringContaining('already written') });
    const notes = zendesk.botComments('8300');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ public: false });
    expect(notes[0]!.html_body).toContain(markerFor('s_AbCdEfGhIjKl'));
    // the category is a tenant's text: escaped in the note
    expect(notes[0]!.html_body).toContain('ship&lt;ping&gt;');
    expect(zendesk.tickets.get('8300')!.tags).toEqual(['web_form', 'shipping', 'draftpilot_sample', 'draftpilot_sample_solved']);
  });

  it('shadow mode: nothing read or written, the would-be PUT recorded, public:false', async () => {
    zendesk.reset();
    const outcome = await new ZendeskSampleWriter({ shadow: true }).deliverSample(request({ threadId: '8301' }));
    expect(outcome).toMatchObject({ written: false, shadow: true, apiCalls: 0, writes: [{ method: 'PUT', path: '/api/v2/tickets/8301.json', body: buildSampleUpdate(request({ threadId: '8301' }), null) }] });
    expect((outcome.writes[0]!.body as { ticket: { comment: { public: unknown } } }).ticket.comment.public).toBe(false);
    expect(zendesk.ticketRequests()).toEqual([]);
  });
});

describe('Intercom sample writer', () => {
  const intercom = new IntercomStandIn({ token: 'ic-sample-token', workspace: 'x7k2pq9a', adminId: ADMIN_ID });
  beforeAll(() => intercom.start());
  afterAll(() => intercom.stop());
  const ic = (overrides: Partial<SampleRequest> = {}) => request({ tenant: 'intercom:x7k2pq9a', provider: 'intercom', threadId: '215469330400001', ...overrides });

  it('writes one note and the draftpilot_sample tag; a retry finds both and writes nothing', async () => {
    intercom.startConversation('215469330400001', { id: 'u-1', name: 'Sam', email: 'sam@example.org' }, 'Where is my parcel?');
    const access = intercomAccess({ accessToken: 'ic-sample-token', baseUrl: intercom.baseUrl })!;
    const writer = new IntercomSampleWriter({ shadow: false, access, adminId: ADMIN_ID, tenant: 'intercom:x7k2pq9a' });
    expect(await writer.deliverSample(ic(), { firstAttempt: true })).toMatchObject({ written: true, apiCalls: 3 });
    expect(await writer.deliverSample(ic())).toMatchObject({ written: false, apiCalls: 1, writes: [] });
    const parts = intercom.partsBy('215469330400001', ADMIN_ID);
    expect(parts.map((p) => p.part_type)).toEqual(['note']);
    expect(parts[0]!.body).toContain(markerFor('s_AbCdEfGhIjKl'));
    expect(intercom.conversations.get('215469330400001')!.tags.map((t) => t.name)).toEqual(['draftpilot_sample']);
  });

  it('shadow mode without credentials: the would-be note and tag, nothing sent', async () => {
    const outcome = await new IntercomSampleWriter({ shadow: true }).deliverSample(ic({ threadId: '215469330400002' }));
    expect(outcome).toMatchObject({ shadow: true, apiCalls: 0 });
    expect(outcome.writes.map((w) => [w.path, (w.body as { message_type?: string }).message_type])).toEqual([
      ['/conversations/215469330400002/reply', 'note'],
      ['/conversations/215469330400002/tags', undefined],
    ]);
  });
});
