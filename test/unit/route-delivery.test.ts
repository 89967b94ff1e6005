import type { DeliveryOutcome, DeliveryRequest, HelpdeskWriter } from '../../src/delivery/delivery-port';
import { routeDelivery } from '../../src/delivery/route-delivery';

const writer = (name: string, calls: string[]): HelpdeskWriter => ({
  deliver: async (r: DeliveryRequest): Promise<DeliveryOutcome> => {
    calls.push(`${name}:${r.tenant}`);
    return { written: name === 'live', shadow: name !== 'live', apiCalls: 0, writes: [], detail: name };
  },
});

const request = (tenant: string, provider: 'zendesk' | 'intercom' = 'zendesk') =>
  ({ tenant, provider, threadId: '1', draftId: 'd_1', messageId: 'm1', decision: 'review', reasons: [], category: 'c', draft: null, brief: {} }) as unknown as DeliveryRequest;

describe('routeDelivery', () => {
  it("hands each request to the writer its tenant resolves to, with the delivery's context", async () => {
    const calls: string[] = [];
    const live = writer('live', calls);
    const shadow = writer('shadow', calls);
    const route = routeDelivery(async (r) => (r.tenant === 'zendesk:trial' ? shadow : live));
    expect(await route(request('zendesk:trial'))).toMatchObject({ shadow: true, written: false });
    expect(await route(request('zendesk:acme'))).toMatchObject({ shadow: false, written: true });
    expect(calls).toEqual(['shadow:zendesk:trial', 'live:zendesk:acme']);
  });

  it('records a decision without writing when a tenant has no writer', async () => {
    const route = routeDelivery(() => undefined);
    expect(await route(request('intercom:w1', 'intercom'))).toMatchObject({ shadow: true, written: false, apiCalls: 0 });
  });
});
