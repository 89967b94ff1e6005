import type { IncomingMessage, ServerResponse } from 'node:http';
import { LocalServer } from './local-server';
import type { ModelOutput } from '../../src/model/model-port';

/**
 * An OpenAI-compatible stand-in: a real HTTP server on 127.0.0.1 (port 0) answering
 * `POST /v1/chat/completions` the way the OpenAI API answers a structured-output call
 * (`chat.completions.parse` with a `json_schema` response_format): a chat.completion whose message
 * content is the JSON of the answer, `refusal: null`, `finish_reason: "stop"` and token usage.
 *
 * What it answers is up to the test (`behave`), which gets the prompt as the stand-in read it: the
 * system message (with the canary), the numbered sources (`[n] id=... title=... url=...` and their
 * text), and the untrusted part (first name, subject, history, the customer message). A test makes it
 * a model that follows whatever the customer's text tells it to do.
 *
 * Also checked, as the API would: the bearer token (401), the path and method (404), a JSON body
 * with messages and a strict json_schema response_format (400). Every call is kept in `calls`.
 */

export interface PromptSource {
  n: number;
  id: string;
  title: string;
  url: string;
  text: string;
}

export interface SeenPrompt {
  model: string;
  system: string;
  user: string;
  /** the "Confidential marker" of the instructions, as a model would see it */
  canary: string | null;
  /** category ids listed in the instructions */
  categoryIds: string[];
  sources: PromptSource[];
  firstName: string | null;
  subject: string;
  history: { author: string; text: string }[];
  /** the text between <customer_message> and </customer_message> */
  customerMessage: string;
  /** placeholders ([CARD_1], [NAME_1]...) the model was shown, in order of first appearance */
  placeholders: string[];
  /** the names of the fields the response_format's JSON schema requires */
  requiredFields: string[];
}

export type StandInAnswer =
  | { output: ModelOutput }
  | { refusal: string }
  | { status: number; error: { message: string; type: string } }
  /** no answer at all: the connection stays open until the client gives up (a model timeout) */
  | { hang: true };

export interface StandInCall {
  seq: number;
  method: string;
  url: string;
  status: number;
  prompt?: SeenPrompt;
  /** the answer's message content (the JSON the SDK parses), when one was given */
  content?: string;
  error?: string;
}

export const STAND_IN_MODEL = 'gpt-4.1-mini-2025-04-14';

export class OpenAIStandIn {
  readonly calls: StandInCall[] = [];
  /** what the "model" answers to a prompt; a throw becomes a 500 server_error */
  behave: (prompt: SeenPrompt) => StandInAnswer = () => ({ status: 500, error: { message: 'no behaviour set', type: 'server_error' } });
  private readonly http = new LocalServer('openai stand-in', (req, res) => this.handle(req, res), (res, err) => send(res, 500, { error: { message: String(err), type: 'server_error', param: null, code: null } }));
  private seq = 0;

  constructor(private readonly options: { apiKey: string }) {}

  get baseURL(): string {
    return `${this.http.origin}/v1`;
  }

  start(): Promise<void> {
    return this.http.start();
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const call: StandInCall = { seq: ++this.seq, method: req.method ?? '', url: req.url ?? '', status: 0 };
    this.calls.push(call);
    const raw = await readBody(req);
    const fail = (status: number, type: string, message: string) => {
      call.status = status;
      call.error = message;
      send(res, status, { error: { message, type, param: null, code: null } });
    };
    if (req.headers.authorization !== `Bearer ${this.options.apiKey}`) return fail(401, 'invalid_request_error', 'Incorrect API key provided.');
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/v1/chat/completions') return fail(404, 'invalid_request_error', `Unknown request URL: ${req.method} ${req.url}.`);
    let body: ChatBody;
    try {
      body = JSON.parse(raw) as ChatBody;
    } catch {
      return fail(400, 'invalid_request_error', 'We could not parse the JSON body of your request.');
    }
    const format = body.response_format;
    if (!Array.isArray(body.messages) || typeof body.model !== 'string') return fail(400, 'invalid_request_error', "Missing required parameter: 'messages' or 'model'.");
    if (format?.type !== 'json_schema' || format.json_schema?.strict !== true || !format.json_schema.schema) return fail(400, 'invalid_request_error', 'this stand-in answers structured output only (a strict json_schema response_format)');

    const prompt = parsePrompt(body);
    call.prompt = prompt;
    let answer: StandInAnswer;
    try {
      answer = this.behave(prompt);
    } catch (err) {
      return fail(500, 'server_error', `the stand-in's behaviour failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if ('hang' in answer) {
      call.error = 'no answer (hang)';
      return;
    }
    if ('status' in answer) return fail(answer.status, answer.error.type, answer.error.message);
    if ('output' in answer) {
      // Strict structured output: every field the schema requires is there (the SDK's zod parse checks the rest).
      const missing = prompt.requiredFields.filter((f) => !(f in answer.output));
      if (missing.length > 0) return fail(500, 'server_error', `the stand-in's answer misses ${missing.join(', ')}`);
    }
    const content = 'output' in answer ? JSON.stringify(answer.output) : null;
    const refusal = 'refusal' in answer ? answer.refusal : null;
    if (content !== null) call.content = content;
    call.status = 200;
    const promptTokens = Math.ceil((prompt.system.length + prompt.user.length) / 4);
    const completionTokens = Math.ceil((content ?? refusal ?? '').length / 4);
    send(res, 200, {
      id: `chatcmpl-standin-${call.seq}`,
      object: 'chat.completion',
      created: 1_767_225_600 + call.seq,
      model: STAND_IN_MODEL,
      choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content, refusal, annotations: [] } }],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens, prompt_tokens_details: { cached_tokens: 0 } },
      service_tier: 'default',
      system_fingerprint: 'fp_standin',
    });
  }
}

interface ChatBody {
  model: string;
  messages: { role: string; content: string }[];
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema?: { required?: string[] } } };
}

/** The prompt as a model reads it (src/model/prompt.ts builds it). */
export function parsePrompt(body: ChatBody): SeenPrompt {
  const system = body.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
  const user = body.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
  const canary = /Confidential marker, never to be written anywhere: (\S+)/.exec(system)?.[1] ?? null;
  const categoryIds = [...system.matchAll(/^- ([a-z0-9_-]+) \| /gm)].map((m) => m[1]!);

  const [sourcesPart = ''] = user.split('\n\nThe ticket follows.');
  const sources: PromptSource[] = [];
  // a block: its header line, then its text up to the next block's header or the end of the section
  for (const m of sourcesPart.matchAll(/^\[(\d+)\] id=(\S+) title=(.*) url=(\S+)\n([\s\S]*?)(?=\n\n\[\d+\] id=|(?![\s\S]))/gm)) {
    sources.push({ n: Number(m[1]), id: m[2]!, title: m[3]!, url: m[4]!, text: m[5]!.trim() });
  }
  const firstName = /<first_name>([\s\S]*?)<\/first_name>/.exec(user)?.[1] ?? null;
  const subject = /<subject>([\s\S]*?)<\/subject>/.exec(user)?.[1] ?? '';
  const historyBlock = /<thread_history>\n([\s\S]*?)\n<\/thread_history>/.exec(user)?.[1] ?? '';
  const history = [...historyBlock.matchAll(/<message author="(\w+)">([\s\S]*?)<\/message>/g)].map((m) => ({ author: m[1]!, text: m[2]! }));
  const customerMessage = /<customer_message>\n([\s\S]*?)\n<\/customer_message>/.exec(user)?.[1] ?? '';
  const untrusted = [subject, ...history.map((h) => h.text), customerMessage].join('\n');
  const placeholders = [...new Set(untrusted.match(/\[(?:EMAIL|CARD|IBAN|SSN|SECRET|PHONE|ADDRESS|NAME)_\d+\]/g) ?? [])];
  const requiredFields = body.response_format?.json_schema?.schema?.required ?? [];
  return { model: body.model, system, user, canary, categoryIds, sources, firstName, subject, history, customerMessage, placeholders, requiredFields };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-request-id': `req_standin_${Date.now()}` });
  res.end(text);
}
