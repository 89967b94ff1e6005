import OpenAI from 'openai';
import { ContentFilterFinishReasonError, LengthFinishReasonError } from 'openai/core/error';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { CompletionUsage } from 'openai/resources/completions';
import { z } from 'zod';
import type { DraftModel, ModelInput, ModelResult, ModelUsage } from './model-port';
import { modelOutputSchema } from './model-port';
import { buildPrompt } from './prompt';

export interface OpenAIModelOptions {
  apiKey: string;
  /** any OpenAI-compatible endpoint; the public API when absent */
  baseURL?: string;
  model: string;
  timeoutMs: number;
  maxRetries: number;
  /** placed in the instructions; the output guard looks for it in the draft */
  canary: string;
}

// Built once: the JSON schema sent with every call, and the zod parser the SDK applies to the answer.
const RESPONSE_FORMAT = zodResponseFormat(modelOutputSchema, 'draft');

/**
 * One structured-output call per customer message. Every failure comes back as a
 * result, never a throw: a refusal, an invalid answer or a failed call is an escalation, not a draft.
 */
export class OpenAIModel implements DraftModel {
  readonly name = 'openai';
  readonly canary: string;
  private readonly client: OpenAI;

  constructor(private readonly options: OpenAIModelOptions) {
    this.canary = options.canary;
    this.client = new OpenAI({
      apiKey: options.apiKey,
      // Explicit, because the SDK falls back to process.env for what is left out, and its defaults
      // (10 min, 2 retries) would multiply with the job queue's own retries (docs/architecture.md, Libraries).
      baseURL: options.baseURL ?? 'https://api.openai.com/v1',
      organization: null,
      project: null,
      timeout: options.timeoutMs,
      maxRetries: options.maxRetries,
    });
  }

  async draft(input: ModelInput): Promise<ModelResult> {
    const model = this.options.model;
    let completion;
    try {
      completion = await this.client.chat.completions.parse({
        model,
        messages: buildPrompt(input, { canary: this.canary }),
        response_format: RESPONSE_FORMAT,
      });
    } catch (err) {
      return { ok: false, ...classify(err), model };
    }
    const usage = usageOf(completion.usage);
    const answeredBy = completion.model || model;
    const message = completion.choices[0]?.message;
    if (message?.refusal) return { ok: false, kind: 'refusal', detail: 'the model refused to answer', model: answeredBy, ...usage };
    if (!message?.parsed) return { ok: false, kind: 'invalid', detail: 'the answer has no content', model: answeredBy, ...usage };
    return { ok: true, output: message.parsed, model: answeredBy, ...usage };
  }
}

/** Thrown by the SDK's parse step: the answer is unusable. Anything else: the call failed. */
function classify(err: unknown): { kind: 'refusal' | 'invalid' | 'error'; detail: string } {
  if (err instanceof ContentFilterFinishReasonError) return { kind: 'refusal', detail: 'the answer was stopped by the content filter' };
  if (err instanceof LengthFinishReasonError) return { kind: 'invalid', detail: 'the answer was cut off at the token limit' };
  // The messages of these two can quote the answer, which may hold customer text: keep them out of logs.
  if (err instanceof SyntaxError) return { kind: 'invalid', detail: 'the answer is not JSON' };
  if (err instanceof z.ZodError) return { kind: 'invalid', detail: `the answer does not match the schema: ${err.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.code}`).join(', ')}` };
  if (err instanceof OpenAI.APIError) return { kind: 'error', detail: `OpenAI call failed: ${err.constructor.name}${err.status ? ` ${err.status}` : ''}: ${err.message}` };
  return { kind: 'error', detail: `OpenAI call failed: ${err instanceof Error ? err.message : String(err)}` };
}

function usageOf(u: CompletionUsage | undefined): { usage?: ModelUsage } {
  if (!u) return {};
  const cached = u.prompt_tokens_details?.cached_tokens;
  return { usage: { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens, ...(typeof cached === 'number' ? { cachedTokens: cached } : {}) } };
}
