import path from 'node:path';
import { Writable } from 'node:stream';
import { loadCategories } from '../../src/config/rule-files';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base';
import { createLogger } from '../../src/logger';
import { isDemoKnowledge, logDraftingPlan } from '../../src/service/drafting-plan';
import { embeddedStoreForSuite } from '../helpers/databases';

const ROOT = path.resolve(__dirname, '../..');

describe('safe by default', () => {
  const suiteStore = embeddedStoreForSuite();

  it('ships every category in review', () => {
    const shipped = loadCategories(path.join(ROOT, 'config/categories.yaml'));
    expect(shipped.categories.map((c) => [c.id, c.mode])).toEqual(shipped.categories.map((c) => [c.id, 'review']));
  });

  it('a tenant with live credentials never drafts from the demo articles; other tenants do', async () => {
    expect(isDemoKnowledge('config/knowledge')).toBe(true);
    expect(isDemoKnowledge(path.join(ROOT, 'test/fixtures/eval/project-tool/knowledge'))).toBe(false);
    const kb = new KnowledgeBase({ db: suiteStore().db, sources: () => undefined, knowledgeDir: path.join(ROOT, 'config/knowledge'), fallbackAllowed: (t) => t !== 'zendesk:live' });
    expect((await kb.forTenant('zendesk:live')).size).toBe(0);
    expect((await kb.forTenant('zendesk:demo')).size).toBeGreaterThan(0);
  });

  it('logs, per tenant, the categories on autopilot and where its drafts come from', () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) });
    const categories = loadCategories(path.join(ROOT, 'test/fixtures/eval/shop/categories.yaml'));
    logDraftingPlan(createLogger('info', sink), [{ tenant: 'zendesk:acme', provider: 'zendesk' }], categories, { knowledgeDir: 'config/knowledge', demo: true });
    expect(lines.map((l) => [l.tenant, l.msg, l.knowledge])).toEqual([
      ['zendesk:acme', 'drafting for zendesk:acme: autopilot in shipping, products', 'zendesk_help_center, else nothing until the first sync (the demo articles are never used for a live account)'],
      ['any other', 'drafting for other tenants: autopilot in shipping, products', "the demo shop's articles (config/knowledge)"],
    ]);
  });
});
