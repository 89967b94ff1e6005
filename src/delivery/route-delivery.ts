import type { DeliverContext, DeliveryOutcome, DeliveryRequest, HelpdeskWriter } from './delivery-port';

/** The writer a request goes to (its tenant's, live or shadow), or undefined when there is none. */
export type WriterOf<W> = (request: Pick<DeliveryRequest, 'tenant' | 'provider'>) => Promise<W | undefined> | W | undefined;

/**
 * Hands a decision to the writer of its tenant (service/tenant-helpdesks.ts picks it: live, or shadow
 * for a shadow tenant); without one, nothing is written and that is recorded.
 */
export function routeDelivery(writerOf: WriterOf<HelpdeskWriter>) {
  return async (request: DeliveryRequest, context: DeliverContext = {}): Promise<DeliveryOutcome> => {
    const writer = await writerOf(request);
    if (writer) return writer.deliver(request, context);
    return { written: false, shadow: true, apiCalls: 0, writes: [], detail: `no ${request.provider} writer configured: decision recorded only` };
  };
}
