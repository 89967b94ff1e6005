/**
 * `npx tsx scripts/prompt-tokens.ts [--model gpt-4.1-mini]`
 * Prompt tokens of one OpenAI drafting call for a realistic case: five sources retrieved from
 * config/knowledge and a long thread. Part of the pipeline benchmark (Issue 3 goal: under 2,500
 * with five sources). Prints one JSON line.
 */
import path from 'node:path';
import { encode, encodeChat } from 'gpt-tokenizer';
import { zodResponseFormat } from 'openai/helpers/zod';
import { loadCategories } from '../src/drafting/categories-config';
import { KnowledgeIndex } from '../src/knowledge/knowledge-index';
import { loadMarkdownArticles } from '../src/knowledge/markdown-source';
import type { ModelInput } from '../src/model/model-port';
import { modelOutputSchema } from '../src/model/model-port';
import { buildPrompt } from '../src/model/prompt';
import { Redactor } from '../src/model/redact';

const ROOT = path.resolve(__dirname, '..');
const TARGET = 2500;
const SOURCES = 5;

type ChatModel = Parameters<typeof encodeChat>[1];

/** A back-and-forth of a dozen messages, as a ticket that has dragged on would have. */
function history(): ModelInput['history'] {
  const customer = [
    'Hi, I ordered a kettle last week and the tracking page has not changed for three days. Can you tell me when it will arrive? My order number is 100234.',
    'Thanks. I checked the tracking link again this morning and it still says the parcel is at the depot. I am travelling next week, so I would like to know whether I can send it to my office instead.',
    'The office address is 12 Market Street, second floor. Is that something you can still change, or do I have to contact the carrier myself? I do not see an edit button in my account.',
    'I tried the carrier page but it asks for a code that I never received by email.',
    'Okay, I will wait for that. One more thing: if it arrives damaged like my last order did, what do I do?',
    'Sorry for all the questions. The kettle is a gift, so the timing matters a lot to me.',
  ];
  const agent = [
    'Hi Jane, thanks for reaching out. Parcels usually move within a day or two; the carrier sometimes scans only at the final depot. Could you send me the tracking number so I can check?',
    'Thanks for the details. I can see the parcel is with the carrier, so the address can no longer be edited from your account, but the carrier can usually redirect it.',
    'The carrier page should let you choose a new delivery address once you enter the code from the shipping email. I have asked them to resend it.',
    'I have asked the carrier to send the code again. It can take up to an hour to arrive; please check your spam folder too.',
    'If anything arrives damaged, take a photo of the item and the box and reply here within 14 days; we will sort it out.',
    'No problem at all, that is what we are here for.',
  ];
  return customer.flatMap((text, i) => [
    { author: 'customer' as const, text },
    { author: (i % 3 === 2 ? 'ai' : 'agent') as 'ai' | 'agent', text: agent[i]! },
  ]);
}

function main(): void {
  const model = (process.argv[3] && process.argv[2] === '--model' ? process.argv[3] : 'gpt-4.1-mini') as ChatModel;
  const index = new KnowledgeIndex();
  index.upsert(loadMarkdownArticles(path.join(ROOT, 'config/knowledge')));
  const categories = loadCategories(path.join(ROOT, 'config/categories.yaml')).categories;

  const redactor = new Redactor();
  const subject = 'Parcel stuck, can I change the delivery address?';
  const question = redactor.redact(
    'Hello again, the parcel still has not moved. Can I change the delivery address to my office, how long does shipping take from the depot, and what happens if the kettle arrives damaged? You can reach me at jane.doe@example.com or +44 20 7946 0958.',
  );
  const sources = index.query(`${subject} ${question}`, { limit: SOURCES });
  if (sources.length < SOURCES) throw new Error(`only ${sources.length} sources retrieved from config/knowledge; the measurement needs ${SOURCES}`);

  const input: ModelInput = { subject, question, history: history().map((m) => ({ ...m, text: redactor.redact(m.text) })), sources, categories, requesterName: 'Jane Doe', helpCenterLocales: index.locales() };
  const messages = buildPrompt(input, { canary: 'dp-canary-0123456789abcdef' });

  const promptTokens = encodeChat(messages, model).length;
  const systemTokens = encode(messages[0]!.content).length;
  // The API also adds the response_format's JSON schema to the prompt; counted apart, an estimate.
  const schemaTokens = encode(JSON.stringify(zodResponseFormat(modelOutputSchema, 'draft').json_schema.schema)).length;
  const report = {
    model,
    sources: sources.length,
    history_messages: input.history.length,
    prompt_tokens: promptTokens,
    static_instruction_tokens: systemTokens,
    response_schema_tokens_estimate: schemaTokens,
    target: TARGET,
    within_target: promptTokens + schemaTokens < TARGET,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main();
