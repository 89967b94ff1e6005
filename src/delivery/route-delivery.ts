import type { DeliverContext, DeliveryOutcome, DeliveryRequest, HelpdeskWriter } from './delivery-port';

type Writers = Partial<Record<DeliveryRequest['provider'], HelpdeskWriter>>;

/** The writer for a tenant: a shadow tenant always gets the shadow one (undefined: none configured). */
export function writerFor<W>(request: Pick<DeliveryRequest, 'tenant' | 'provider'>, writers: Partial<Record<DeliveryRequest['provider'], W>>, shadowWriters: Partial<Record<DeliveryRequest['provider'], W>> | undefined, shadowTenants: ReadonlySet<string>): W | undefined {
  return shadowTenants.has(request.tenant) ? shadowWriters?.[request.provider] : writers[request.provider];
}

/**
 * Hands a decision to the writer of its helpdesk; without one, nothing is written and that is
 * recorded. Tenants listed as shadow tenants always get the shadow writer: a team can try draftpilot
 * on one account while another already runs live.
 */
export function routeDelivery(writers: Writers, options: { shadowWriters?: Writers; shadowTenants?: readonly string[] } = {}) {
  const shadowTenants = new Set(options.shadowTenants ?? []);
  return async (request: DeliveryRequest, context: DeliverContext = {}): Promise<DeliveryOutcome> => {
    const writer = writerFor(request, writers, options.shadowWriters, shadowTenants);
    if (writer) return writer.deliver(request, context);
    return { written: false, shadow: true, apiCalls: 0, writes: [], detail: `no ${request.provider} writer configured: decision recorded only` };
  };
}
