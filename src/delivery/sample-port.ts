import type { SampleKind, SolvedSignal, Stratum } from '../policy/sampling';
import type { DeliverContext, DeliveryOutcome } from './delivery-port';
import type { WriterOf } from './route-delivery';

/**
 * A sampled item's review request: an internal note (Zendesk, public:false) or a note (Intercom)
 * asking for a rating, and a tag a view can list. It never carries text for the customer.
 */
export interface SampleRequest {
  tenant: string;
  provider: 'zendesk' | 'intercom';
  threadId: string;
  /** the samples row id: the note carries markerFor(sampleId), checked before writing again */
  sampleId: string;
  /** the draft the review is about (POST /api/reviews takes its id) */
  draftId: string | null;
  kind: SampleKind;
  stratum: Stratum;
  signals: SolvedSignal[];
  category: string;
}

export interface SampleWriter {
  deliverSample(request: SampleRequest, context?: DeliverContext): Promise<DeliveryOutcome>;
}

/** The tag every sample note adds (a Zendesk view lists the tickets that carry it). */
export const SAMPLE_TAG = 'draftpilot_sample';

/** Like routeDelivery: the request's writer (its tenant's), or nothing written. */
export function routeSampleDelivery(writerOf: WriterOf<SampleWriter>) {
  return async (request: SampleRequest, context: DeliverContext = {}): Promise<DeliveryOutcome> => {
    const writer = await writerOf(request);
    if (writer) return writer.deliverSample(request, context);
    return { written: false, shadow: true, apiCalls: 0, writes: [], detail: `no ${request.provider} writer configured: sample recorded only` };
  };
}
