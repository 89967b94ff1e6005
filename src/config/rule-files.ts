import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { CategoriesFile, parseCategories } from '../policy/categories';
import { compileEscalation, EscalationRules } from '../policy/escalation-rules';

/**
 * The rule files read from disk (CATEGORIES_FILE, ESCALATION_FILE). Policy only validates and
 * compiles what it is given; reading files is this module's job, so the pure policy imports no I/O.
 */
export function loadCategories(file: string): CategoriesFile {
  return parseCategories(parse(readFileSync(file, 'utf8')), file);
}

export function loadEscalation(file: string): EscalationRules {
  return compileEscalation(parse(readFileSync(file, 'utf8')), file);
}
