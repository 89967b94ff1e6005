import type { Env } from './env';

/** The OpenAI (or compatible) endpoint and its limits, from OPENAI_*. */
export interface OpenAISettings {
  apiKey: string;
  baseURL?: string;
  model: string;
  timeoutMs: number;
  maxRetries: number;
}

export type ModelName = 'offline' | 'openai';

export interface ModelSettings {
  /** DRAFT_MODEL when set, else openai when OPENAI_API_KEY is, else the offline model */
  name: ModelName;
  /** present whenever OPENAI_API_KEY is set (the name may still be offline) */
  openai?: OpenAISettings;
}

export function modelSettingsOf(env: Env): ModelSettings {
  const name: ModelName = env.DRAFT_MODEL ?? (env.OPENAI_API_KEY ? 'openai' : 'offline');
  if (!env.OPENAI_API_KEY) return { name };
  return {
    name,
    openai: {
      apiKey: env.OPENAI_API_KEY,
      ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}),
      model: env.OPENAI_MODEL,
      timeoutMs: env.OPENAI_TIMEOUT_MS,
      maxRetries: env.OPENAI_MAX_RETRIES,
    },
  };
}
