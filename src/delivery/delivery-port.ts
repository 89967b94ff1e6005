import type { Brief } from '../brief/brief';
import type { Decision } from '../policy/decide';
import type { Reason } from '../policy/reasons';

/**
 * What a decision asks of the helpdesk. Built from a stored draft; a writer turns it into
 * provider calls. Only `autopilot` may ever produce a public reply.
 */
export interface DeliveryRequest {
  tenant: string;
  provider: 'zendesk' | 'intercom';
  threadId: string;
  /** the drafts row id: every note carries markerFor(draftId), checked before writing */
  draftId: string;
  /** the customer message answered */
  messageId: string;
  decision: Decision;
  reasons: Reason[];
  category: string;
  brief: Brief;
  /** the draft text (customer identifiers restored); null when there is none */
  draft: string | null;
  /** earlier drafts of this thread still waiting for an agent, which this one replaces */
  supersedes?: string[];
}

export interface DeliveryOutcome {
  /** false in shadow mode or when the marker showed the note was already written */
  written: boolean;
  shadow: boolean;
  /** helpdesk API calls this delivery made (reads and writes) */
  apiCalls: number;
  /** what was (or, in shadow mode, would have been) sent: method, path and body per call */
  writes: { method: string; path: string; body: unknown }[];
  detail: string;
}

export interface DeliverContext {
  /** true only when no writer was ever handed this draft: the duplicate check can be skipped */
  firstAttempt?: boolean;
}

export interface HelpdeskWriter {
  deliver(request: DeliveryRequest, context?: DeliverContext): Promise<DeliveryOutcome>;
}
