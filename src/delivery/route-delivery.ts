import type { DeliverContext, DeliveryOutcome, DeliveryRequest, HelpdeskWriter } from './delivery-port';

type Writers = Partial<Record<DeliveryRequest['provider'], HelpdeskWriter>>;

/**
 * Hands a decision to the writer of its helpdesk; without one, nothing is written and that is
 * recorded. Tenants listed as shadow tenants always get the shadow writer: a team can try draftpilot
 * on one account while another already runs live.
 */
export function routeDelivery(writers: Writers, options: { shadowWriters?: Writers; shadowTenants?: readonly string[] } = {}) {
  const shadowTenants = new Set(options.shadowTenants ?? []);
  return async (request: DeliveryRequest, context: DeliverContext = {}): Promise<DeliveryOutcome> => {
    const writer = shadowTenants.has(request.tenant) ? options.shadowWriters?.[request.provider] : writers[request.provider];
    if (writer) return writer.deliver(request, context);
    return { written: false, shadow: true, apiCalls: 0, writes: [], detail: `no ${request.provider} writer configured: decision recorded only` };
  };
}
