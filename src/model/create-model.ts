import type { EscalationRules } from '../drafting/escalation-config';
import type { KnowledgeIndex } from '../knowledge/knowledge-index';
import type { DraftModel } from './model-port';
import { OfflineModel } from './offline-model';

/** offline: the deterministic embedded default. openai: comes with the OpenAI adapter. */
export function createModel(name: string, deps: { rules: EscalationRules; index: KnowledgeIndex; env: NodeJS.ProcessEnv }): DraftModel {
  if (name === 'offline') return new OfflineModel({ rules: deps.rules, isKnownTerm: (t) => deps.index.knows(t) });
  throw new Error(`unknown model "${name}": use offline${name === 'openai' ? ' (the OpenAI adapter is not built yet)' : ''}`);
}
