import { createHmac } from 'node:crypto';
import { ConfigError } from '../config/env';
import type { ModelSettings } from '../config/model-settings';
import type { EscalationRules } from '../policy/escalation-rules';
import type { KnowledgeIndex } from '../knowledge/knowledge-index';
import type { DraftModel } from './model-port';
import { OfflineModel } from './offline-model';
import { OpenAIModel } from './openai-model';

/**
 * offline: the deterministic embedded default. openai: OpenAI or a compatible endpoint, with the
 * settings parsed from OPENAI_* (config/model-settings.ts). The drafting pipeline must pass
 * `canaryOf(model)` to draftReply as `canary` so the output guard can see a leak of the instructions.
 */
export function createModel(settings: ModelSettings, deps: { rules: EscalationRules; index: KnowledgeIndex; canary?: string }): DraftModel {
  if (settings.name === 'offline') return new OfflineModel({ rules: deps.rules, isKnownTerm: (t) => deps.index.knows(t) });
  if (settings.name === 'openai') {
    const openai = settings.openai;
    if (!openai) throw new ConfigError('the openai model needs OPENAI_API_KEY (or use DRAFT_MODEL=offline)');
    return new OpenAIModel({ ...openai, canary: deps.canary ?? canaryFor(openai.apiKey) });
  }
  throw new Error(`unknown model "${String(settings.name)}": use offline or openai`);
}

/** The canary a model puts in its instructions, for draftReply's output guard; none for offline. */
export function canaryOf(model: DraftModel): string | undefined {
  return model instanceof OpenAIModel ? model.canary : undefined;
}

/**
 * Stable across processes, so every worker sends byte-identical instructions (prompt caching), yet
 * not guessable from the source: an attacker who knew it could ask for the instructions without it.
 * An HMAC of the key reveals nothing of the key.
 */
export function canaryFor(apiKey: string): string {
  return `dp-canary-${createHmac('sha256', apiKey).update('draftpilot instructions canary').digest('hex').slice(0, 16)}`;
}
