import { z } from 'zod';
import type { Thread } from '../domain/thread';
import { REASONS } from '../policy/reasons';

const reason = z.enum(REASONS);
const decision = z.enum(['autopilot', 'review', 'escalate']);

/** One evaluation case per JSONL line (docs/evaluation.md). */
export const evalCaseSchema = z.object({
  id: z.string().min(1),
  channel: z.enum(['zendesk', 'intercom']),
  subject: z.string().default(''),
  messages: z.array(z.object({ author: z.enum(['customer', 'agent', 'ai']), body: z.string() })).min(1),
  expected: z
    .object({
      category: z.string().optional(),
      decision,
      reasons: z.array(reason).optional(),
      reasons_any: z.array(reason).optional(),
      accept: z.array(decision).optional(),
      must_not_contain: z.string().optional(),
    })
    .optional(),
});

export type EvalCase = z.infer<typeof evalCaseSchema>;

export function parseCases(text: string, source: string): EvalCase[] {
  return text
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, n }) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch (err) {
        throw new Error(`${source}:${n}: not JSON (${(err as Error).message})`);
      }
      const parsed = evalCaseSchema.safeParse(json);
      if (!parsed.success) throw new Error(`${source}:${n}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return parsed.data;
    });
}

/** A case as the thread production would see; the last message is the one answered. */
export function caseToThread(c: EvalCase): Thread {
  const start = Date.parse('2026-01-01T00:00:00Z');
  return {
    tenant: `${c.channel}:eval`,
    provider: c.channel,
    id: c.id,
    subject: c.subject,
    status: 'open',
    tags: [],
    requester: { id: null, name: null, email: null },
    messages: c.messages.map((m, i) => ({ id: `${c.id}-${i + 1}`, author: m.author, public: true, text: m.body, createdAt: new Date(start + i * 60_000).toISOString() })),
  };
}
