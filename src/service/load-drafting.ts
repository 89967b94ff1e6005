import type { Config } from '../config';
import { loadCategories, loadEscalation } from '../config/rule-files';
import type { KnowledgeIndex } from '../knowledge/knowledge-index';
import type { Logger } from '../logger';
import { createModel } from '../model/create-model';
import { readConfig } from './read-config';

/** Categories, escalation rules and the model, read once at start. */
export function loadDrafting(config: Config, logger: Logger, fallbackIndex: KnowledgeIndex) {
  const { env } = config;
  const categories = readConfig('CATEGORIES_FILE', () => loadCategories(env.CATEGORIES_FILE));
  const rules = readConfig('ESCALATION_FILE', () => loadEscalation(env.ESCALATION_FILE));
  const model = readConfig('DRAFT_MODEL', () => createModel(config.model, { rules, index: fallbackIndex }));
  logger.info({ markdownArticles: fallbackIndex.size, categories: categories.categories.length, model: model.name }, 'drafting ready');
  return { categories, rules, model };
}
