import { escapeHtml } from '../brief/html';
import { markerFor } from '../domain/marker';
import { AGENT_ACTIONS, REJECT_REASONS } from '../reviews/review-input';
import type { SampleRequest } from './sample-port';

const OUTCOME: Record<string, string> = {
  autopilot: 'an autopilot reply draftpilot sent',
  ai_good: 'a solved conversation answered by autopilot, looking successful',
  ai_bad: 'a solved conversation answered by autopilot, looking bad',
  human_good: 'a solved conversation handled by an agent, looking successful',
  human_bad: 'a solved conversation handled by an agent, looking bad',
};

const SIGNAL: Record<string, string> = { reopened: 'reopened after it was solved', low_rating: 'a low satisfaction rating', repeat_contact: 'the customer came back about the same thing' };

/**
 * The review request a sample becomes, as the HTML of an internal note: what was sampled and why,
 * the four review actions and the reject reasons, and the marker that keeps a retry from writing it
 * twice. Every value is escaped (categories come from a tenant's settings).
 */
export function sampleNoteHtml(request: SampleRequest): string {
  const rows = [
    `<p><strong>draftpilot sample for review</strong></p>`,
    `<p>This is ${escapeHtml(OUTCOME[request.stratum] ?? request.stratum)}, sampled for an after-the-fact review (category ${escapeHtml(request.category)}).</p>`,
  ];
  if (request.signals.length > 0) rows.push(`<p><strong>Looks bad:</strong> ${escapeHtml(request.signals.map((s) => SIGNAL[s] ?? s).join('; '))}.</p>`);
  rows.push(
    request.draftId
      ? `<p><strong>Please rate draft ${escapeHtml(request.draftId)}</strong> in the draftpilot app: ${AGENT_ACTIONS.join(', ')}.</p>`
      : `<p><strong>Please rate this conversation</strong> in the draftpilot app: ${AGENT_ACTIONS.join(', ')}.</p>`,
    `<p>Reject reasons: ${REJECT_REASONS.join(', ')}.</p>`,
    `<p>${escapeHtml(markerFor(request.sampleId))}</p>`,
  );
  return rows.join('\n');
}
