import type { Category } from './categories';
import type { Reason } from './reasons';

export type Decision = 'autopilot' | 'review' | 'escalate';

/**
 * The decision rule (docs/contracts.md, Decision): autopilot only when the category is in autopilot mode, is not sensitive, no reason
 * fired, a cited source exists and confidence clears the autopilot threshold. Otherwise review when
 * no reason fired, else escalate. Sensitive categories never reach autopilot, nor does a conversation an
 * agent has already answered in.
 */
export function decide(input: {
  category: Category | undefined;
  reasons: Reason[];
  hasCitation: boolean;
  confidence: number;
  autopilotThreshold: number;
  /** an agent has replied publicly in the conversation: a person owns it, draftpilot only suggests */
  agentEngaged?: boolean;
}): Decision {
  if (input.reasons.length > 0) return 'escalate';
  const c = input.category;
  if (c && c.mode === 'autopilot' && !c.sensitive && !input.agentEngaged && input.hasCitation && input.confidence >= input.autopilotThreshold) return 'autopilot';
  return 'review';
}
