import { lemmaText } from '../text/nlp';
import { contentTerms, sentences } from '../text/tokens';
import { z } from 'zod';

const patternList = z.array(z.string().min(1)).default([]);
/** What customers say when a reason applies, matched by shared words rather than exact wording. */
const exampleList = z.array(z.string().min(3)).default([]);

export const escalationSchema = z.object({
  thresholds: z.object({
    negative_sentiment: z.number().min(-1).max(1),
    low_confidence: z.number().min(0).max(1),
    autopilot: z.number().min(0).max(1),
  }),
  repeat_after_ai: z.object({
    window_days: z.number().positive(),
    patterns: patternList,
    examples: exampleList,
    same_question_overlap: z.number().min(0).max(1),
  }),
  examples: z
    .object({
      human_requested: exampleList,
      account_access: exampleList,
      policy_exception: exampleList,
      /** share of an example's words a sentence must contain for the example to match */
      overlap: z.number().min(0).max(1).default(0.75),
    })
    .default({ human_requested: [], account_access: [], policy_exception: [], overlap: 0.75 }),
  patterns: z.object({
    human_requested: patternList,
    account_access: patternList,
    policy_exception: patternList,
    injection: patternList,
    commitments: z.record(z.string(), z.string()).default({}),
  }),
  allowed_link_domains: z.array(z.string()).default([]),
});

export type EscalationFile = z.infer<typeof escalationSchema>;

/**
 * One reason's detector: patterns (regular expressions, matched against the text as written and
 * against its lemmas, so "did that" and "I have done that" both meet `\bdo that\b`) and examples
 * (matched when a sentence contains most of an example's words, in any order and inflection).
 */
export interface Detector {
  patterns: RegExp[];
  examples: string[][];
  overlap: number;
}

/** The rules compiled once: every pattern a case-insensitive regular expression. */
export interface EscalationRules {
  thresholds: EscalationFile['thresholds'];
  repeatWindowDays: number;
  sameQuestionOverlap: number;
  repeat: Detector;
  humanRequested: Detector;
  accountAccess: Detector;
  policyException: Detector;
  injection: RegExp[];
  commitments: { name: string; pattern: RegExp }[];
  allowedLinkDomains: string[];
}

function compile(list: string[], where: string): RegExp[] {
  return list.map((p, i) => {
    try {
      return new RegExp(p, 'iu');
    } catch (err) {
      throw new Error(`escalation rules: ${where}[${i}] is not a valid regular expression: ${(err as Error).message}`);
    }
  });
}

export function compileEscalation(doc: unknown, source: string): EscalationRules {
  const parsed = escalationSchema.safeParse(doc);
  if (!parsed.success) throw new Error(`invalid escalation rules in ${source}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const e = parsed.data;
  const overlap = e.examples.overlap;
  const detector = (patterns: string[], where: string, examples: string[]): Detector => ({ patterns: compile(patterns, where), examples: examples.map(exampleTerms), overlap });
  return {
    thresholds: e.thresholds,
    repeatWindowDays: e.repeat_after_ai.window_days,
    sameQuestionOverlap: e.repeat_after_ai.same_question_overlap,
    repeat: detector(e.repeat_after_ai.patterns, 'repeat_after_ai.patterns', e.repeat_after_ai.examples),
    humanRequested: detector(e.patterns.human_requested, 'patterns.human_requested', e.examples.human_requested),
    accountAccess: detector(e.patterns.account_access, 'patterns.account_access', e.examples.account_access),
    policyException: detector(e.patterns.policy_exception, 'patterns.policy_exception', e.examples.policy_exception),
    injection: compile(e.patterns.injection, 'patterns.injection'),
    commitments: Object.entries(e.patterns.commitments).map(([name, p]) => ({ name, pattern: compile([p], `patterns.commitments.${name}`)[0]! })),
    allowedLinkDomains: e.allowed_link_domains,
  };
}

/** Whether a pattern matches the text as written or its lemma form. */
export function matchesAny(patterns: RegExp[], text: string): boolean {
  if (patterns.some((p) => p.test(text))) return true;
  const lemmas = lemmaText(text);
  return patterns.some((p) => p.test(lemmas));
}

/** The words of an example that carry its meaning, as lemmas. */
function exampleTerms(example: string): string[] {
  return [...new Set(contentTerms(lemmaText(example)))];
}

/** A detector fires when a pattern matches, or a sentence holds most of an example's words. */
export function detects(d: Detector, text: string): boolean {
  if (matchesAny(d.patterns, text)) return true;
  if (d.examples.length === 0) return false;
  return sentences(text).some((s) => {
    const have = new Set(contentTerms(lemmaText(s)));
    return d.examples.some((ex) => ex.length >= 2 && ex.filter((t) => have.has(t)).length / ex.length >= d.overlap);
  });
}
