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
  /**
   * The publication guard's verdict. A public reply is sent only when it approved exactly this draft
   * (its sha256); for a review draft it holds why the draft was held back from autopilot.
   */
  publication?: { ok: boolean; findings: string[]; sha256: string };
  /** the tenant's own settings (PUT /api/settings/:tenant, the app settings) over the service's */
  tenantDelivery?: TenantDelivery;
}

/** Delivery settings of one tenant; each one left out keeps the service's configuration. */
export interface TenantDelivery {
  /** Zendesk review drafts: a note only, or a note and a pending macro */
  mode?: 'note' | 'pending_macro';
  escalationGroupId?: string;
  escalationTeamId?: string;
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
  /**
   * The note or reply this draft is in the helpdesk thread, as the helpdesk named it: written now, or
   * found written by an earlier attempt. The drafter records it in the stored thread as draftpilot's
   * own message, so the next customer message sees what draftpilot answered. Absent in shadow mode,
   * and when the answer did not name it.
   */
  posted?: { id: string; createdAt?: string };
}

export interface DeliverContext {
  /** true only when no writer was ever handed this draft: the duplicate check can be skipped */
  firstAttempt?: boolean;
}

export interface HelpdeskWriter {
  deliver(request: DeliveryRequest, context?: DeliverContext): Promise<DeliveryOutcome>;
}

/** What a note says besides the brief and the draft: the drafts it replaces, why it was held back. */
export function noteExtras(request: Pick<DeliveryRequest, 'supersedes' | 'publication'>): { supersedes: string[]; heldBack: string[] } {
  return { supersedes: request.supersedes ?? [], heldBack: request.publication && !request.publication.ok ? request.publication.findings : [] };
}
