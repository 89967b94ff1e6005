import path from 'node:path';
import { loadCategories } from '../../src/config/rule-files';
import type { DraftDeps } from '../../src/drafting/draft-reply';
import { loadEscalation } from '../../src/config/rule-files';
import { KnowledgeIndex } from '../../src/knowledge/knowledge-index';
import { loadMarkdownArticles } from '../../src/knowledge/markdown-source';
import type { DraftModel, ModelOutput } from '../../src/model/model-port';
import { OfflineModel } from '../../src/model/offline-model';
import type { Thread } from '../../src/domain/thread';

const ROOT = path.resolve(__dirname, '../..');

/**
 * The demo help center and escalation rules from config/, with the categories a team would have after
 * putting shipping and products on autopilot (test/fixtures/eval/shop/categories.yaml; the shipped
 * config/categories.yaml has every category in review), and the offline model unless given one.
 */
export const SHOP_CATEGORIES = path.join(ROOT, 'test/fixtures/eval/shop/categories.yaml');

export function demoDraftDeps(model?: DraftModel): DraftDeps {
  const index = new KnowledgeIndex();
  index.upsert(loadMarkdownArticles(path.join(ROOT, 'config/knowledge')));
  const rules = loadEscalation(path.join(ROOT, 'config/escalation.yaml'));
  return {
    index,
    rules,
    categories: loadCategories(SHOP_CATEGORIES),
    model: model ?? new OfflineModel({ rules, isKnownTerm: (t) => index.knows(t) }),
  };
}

export function threadOf(...messages: [Thread['messages'][number]['author'], string][]): Thread {
  return {
    tenant: 'zendesk:acme',
    provider: 'zendesk',
    id: 't1',
    subject: '',
    status: 'open',
    tags: [],
    requester: { id: 'r1', name: 'Dana Whitfield', email: null },
    messages: messages.map(([author, text], i) => ({ id: `m${i + 1}`, author, public: true, text, createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() })),
  };
}

/** A valid model answer: a documented shipping question, one cited passage; override what a test needs. */
export function modelOutput(o: Partial<ModelOutput> = {}): ModelOutput {
  return {
    category: 'shipping',
    intent: 'question',
    language: 'en',
    sentiment: { label: 'neutral', score: 0 },
    asks_for_human: false,
    needs_account_access: false,
    policy_exception: false,
    confidence: 0.9,
    missing_fields: [],
    draft: 'Hi',
    cited_source_ids: ['a#0'],
    recommended_next_step: '',
    ...o,
  };
}
