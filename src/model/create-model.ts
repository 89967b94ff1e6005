import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { ConfigError, envSchema } from '../config/env';
import type { EscalationRules } from '../policy/escalation-rules';
import type { KnowledgeIndex } from '../knowledge/knowledge-index';
import type { DraftModel } from './model-port';
import { OfflineModel } from './offline-model';
import { OpenAIModel } from './openai-model';

// Only the OpenAI variables: the rest of the env (ports, roles, stores) is not this factory's business.
const openaiEnvSchema = z.object({
  OPENAI_API_KEY: envSchema.shape.OPENAI_API_KEY,
  OPENAI_BASE_URL: envSchema.shape.OPENAI_BASE_URL,
  OPENAI_MODEL: envSchema.shape.OPENAI_MODEL,
  OPENAI_TIMEOUT_MS: envSchema.shape.OPENAI_TIMEOUT_MS,
  OPENAI_MAX_RETRIES: envSchema.shape.OPENAI_MAX_RETRIES,
});

/**
 * offline: the deterministic embedded default. openai: OpenAI or a compatible endpoint, configured by
 * OPENAI_*. The drafting pipeline must pass `canaryOf(model)` to draftReply as `canary` so the output
 * guard can see a leak of the instructions.
 */
export function createModel(name: string, deps: { rules: EscalationRules; index: KnowledgeIndex; env: NodeJS.ProcessEnv; canary?: string }): DraftModel {
  if (name === 'offline') return new OfflineModel({ rules: deps.rules, isKnownTerm: (t) => deps.index.knows(t) });
  if (name === 'openai') {
    const parsed = openaiEnvSchema.safeParse(deps.env);
    if (!parsed.success) {
      throw new ConfigError(`invalid configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
    }
    const env = parsed.data;
    if (!env.OPENAI_API_KEY) throw new ConfigError('the openai model needs OPENAI_API_KEY (or use DRAFT_MODEL=offline)');
    return new OpenAIModel({
      apiKey: env.OPENAI_API_KEY,
      ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}),
      model: env.OPENAI_MODEL,
      timeoutMs: env.OPENAI_TIMEOUT_MS,
      maxRetries: env.OPENAI_MAX_RETRIES,
      canary: deps.canary ?? canaryFor(env.OPENAI_API_KEY),
    });
  }
  throw new Error(`unknown model "${name}": use offline or openai`);
}

/** DRAFT_MODEL when set, else openai when a key is there, else the offline model. */
export function defaultModelName(env: { DRAFT_MODEL?: string | undefined; OPENAI_API_KEY?: string | undefined }): string {
  // `||`, not `??`: a raw process env may carry DRAFT_MODEL="" (the parsed Env maps it to undefined).
  return env.DRAFT_MODEL || (env.OPENAI_API_KEY ? 'openai' : 'offline');
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
