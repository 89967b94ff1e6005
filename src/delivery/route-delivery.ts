import type { DeliverContext, DeliveryOutcome, DeliveryRequest, HelpdeskWriter } from './delivery-port';

/** Hands a decision to the writer of its helpdesk; without one, nothing is written and that is recorded. */
export function routeDelivery(writers: Partial<Record<DeliveryRequest['provider'], HelpdeskWriter>>) {
  return async (request: DeliveryRequest, context: DeliverContext = {}): Promise<DeliveryOutcome> => {
    const writer = writers[request.provider];
    if (writer) return writer.deliver(request, context);
    return { written: false, shadow: true, apiCalls: 0, writes: [], detail: `no ${request.provider} writer configured: decision recorded only` };
  };
}
