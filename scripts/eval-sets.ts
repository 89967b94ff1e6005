/**
 * `npm run eval:sets [-- --include-holdout] [--verbose]`: runs every evaluation set under
 * test/fixtures/eval/ (a folder with cases.jsonl, categories.yaml and knowledge/; a set without
 * knowledge/ uses config/knowledge) with the offline model and prints one line per set: strict and
 * decision-only accuracy, category accuracy, unsafe autopilots and the reasons recalled below 80%.
 * A held-out set (a folder with a held-out.md) is skipped unless asked for: it is for the final
 * measurement only.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { loadCategories, loadEscalation } from '../src/config/rule-files';
import { formatReport, formatSummaryLine, runEval, SUMMARY_HEADER } from '../src/eval/run-eval';
import { loadMarkdownArticles } from '../src/knowledge/markdown-source';
import { OfflineModel } from '../src/model/offline-model';

const ROOT = path.resolve(__dirname, '..');
const SETS = path.join(ROOT, 'test/fixtures/eval');

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const unknown = argv.filter((a) => a !== '--include-holdout' && a !== '--verbose');
  if (unknown.length) throw new Error(`unexpected argument "${unknown[0]}": use --include-holdout or --verbose`);
  const rules = loadEscalation(path.join(ROOT, 'config/escalation.yaml'));
  const names = readdirSync(SETS)
    .filter((n) => existsSync(path.join(SETS, n, 'cases.jsonl')))
    .filter((n) => !existsSync(path.join(SETS, n, 'held-out.md')) || argv.includes('--include-holdout'))
    .sort();
  const lines = [SUMMARY_HEADER];
  for (const name of names) {
    const dir = path.join(SETS, name);
    const knowledge = existsSync(path.join(dir, 'knowledge')) ? path.join(dir, 'knowledge') : path.join(ROOT, 'config/knowledge');
    const run = await runEval({
      casesFile: path.join(dir, 'cases.jsonl'),
      articles: loadMarkdownArticles(knowledge),
      categories: loadCategories(path.join(dir, 'categories.yaml')),
      rules,
      model: (index) => new OfflineModel({ rules, isKnownTerm: (t) => index.knows(t) }),
    });
    if (argv.includes('--verbose')) process.stdout.write(`\n== ${name}${formatReport(run.scores, 'offline')}\n`);
    lines.push(formatSummaryLine(name, run.scores));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`eval:sets failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
