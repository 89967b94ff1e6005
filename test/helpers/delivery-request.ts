import type { Brief } from '../../src/brief/brief';
import type { DeliveryRequest } from '../../src/delivery/delivery-port';
import { sha256 } from '../../src/policy/publication-guard';
import type { Reason } from '../../src/policy/reasons';

/** A handoff brief as the pipeline stores it; each suite gives the fields its assertions read. */
export function testBrief(overrides: Partial<Brief> = {}): Brief {
  return {
    question: 'Where is my order 77120?',
    intent: 'order_status',
    category: 'shipping',
    sources: [{ title: 'Tracking your parcel', url: 'https://help.acme.test/tracking' }],
    missing_fields: [],
    sentiment: { label: 'neutral', score: 0 },
    previous_answers: [],
    recommended_next_step: 'Send the tracking link.',
    escalation_reasons: [],
    confidence: 0.82,
    ...overrides,
  };
}

/** The publication guard's approval of exactly this text, as the pipeline records it. */
export function approvedFor(text: string): { ok: true; findings: string[]; sha256: string } {
  return { ok: true, findings: [], sha256: sha256(text) };
}

/**
 * What the drafter hands a writer. The brief carries the same reasons as the request unless a test
 * gives its own, as the pipeline builds it.
 */
export function deliveryRequest(
  base: Pick<DeliveryRequest, 'tenant' | 'provider' | 'threadId' | 'draftId' | 'draft'> & { brief?: Partial<Brief> },
  decision: DeliveryRequest['decision'] = 'review',
  reasons: Reason[] = [],
  overrides: Partial<DeliveryRequest> = {},
): DeliveryRequest {
  const { brief, ...rest } = base;
  const request: DeliveryRequest = {
    messageId: '1001',
    category: 'shipping',
    ...rest,
    decision,
    reasons,
    brief: testBrief({ escalation_reasons: reasons, ...brief }),
    ...overrides,
  };
  // The drafting pipeline sends an autopilot request with the publication guard's approval of its text.
  if (request.decision === 'autopilot' && request.draft && !('publication' in overrides)) request.publication = approvedFor(request.draft);
  return request;
}
