import path from 'node:path';
import { envSchema } from '../config/env';
import type { TenantAccount } from '../accounts/tenant-account';
import type { Logger } from '../logger';
import type { CategoriesFile } from '../policy/categories';

/** KNOWLEDGE_DIR is the shipped demo shop's folder (its default): never drafted from for a live tenant. */
export function isDemoKnowledge(knowledgeDir: string): boolean {
  return path.resolve(knowledgeDir) === path.resolve(envSchema.shape.KNOWLEDGE_DIR.parse(undefined));
}

/**
 * One line per tenant at start: which categories may reply on their own (autopilot) and where its
 * drafts come from, so an operator sees at a glance what would reach customers.
 */
export function logDraftingPlan(logger: Logger, served: Pick<TenantAccount, 'tenant' | 'provider'>[], categories: CategoriesFile, knowledge: { knowledgeDir: string; demo: boolean }): void {
  const autopilot = categories.categories.filter((c) => c.mode === 'autopilot' && !c.sensitive).map((c) => c.id);
  const markdown = knowledge.demo ? `the demo shop's articles (${knowledge.knowledgeDir})` : `markdown articles in ${knowledge.knowledgeDir}`;
  for (const { tenant, provider } of served) {
    const source = provider === 'zendesk' ? 'zendesk_help_center' : 'intercom_articles';
    const fallback = knowledge.demo ? 'nothing until the first sync (the demo articles are never used for a live account)' : markdown;
    logger.info({ tenant, knowledge: `${source}, else ${fallback}`, autopilot }, autopilot.length > 0 ? `drafting for ${tenant}: autopilot in ${autopilot.join(', ')}` : `drafting for ${tenant}: every category in review`);
  }
  logger.info({ tenant: 'any other', knowledge: markdown, autopilot }, autopilot.length > 0 ? `drafting for other tenants: autopilot in ${autopilot.join(', ')}` : 'drafting for other tenants: every category in review');
}
