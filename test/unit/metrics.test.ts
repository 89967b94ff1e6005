import { countDraft, modelCost, modelTokens, decisions, escalationReasons, accountOf } from '../../src/metrics/metrics';

/** The draft counters and the cost estimate (docs/operations.md, Metrics). */

const valueOf = async (metric: { get(): Promise<{ values: { labels: Record<string, string | number>; value: number }[] }> }, labels: Record<string, string>) =>
  (await metric.get()).values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value ?? 0;

it('counts a decided draft, each of its reasons, its tokens and their estimated cost', async () => {
  const before = {
    decided: await valueOf(decisions, { tenant: 'zendesk:unit', category: 'billing', decision: 'escalate' }),
    reason: await valueOf(escalationReasons, { tenant: 'zendesk:unit', reason: 'missing_source' }),
    prompt: await valueOf(modelTokens, { model: 'unit-model', kind: 'prompt' }),
    cost: await valueOf(modelCost, { model: 'unit-model' }),
  };
  countDraft({ tenant: 'zendesk:unit', category: 'billing', decision: 'escalate', reasons: ['missing_source', 'negative_sentiment'], model: 'unit-model', usage: { promptTokens: 2_000, completionTokens: 500 } }, { 'unit-model': { prompt: 0.4, completion: 1.6 } });
  expect(await valueOf(decisions, { tenant: 'zendesk:unit', category: 'billing', decision: 'escalate' })).toBe(before.decided + 1);
  expect(await valueOf(escalationReasons, { tenant: 'zendesk:unit', reason: 'missing_source' })).toBe(before.reason + 1);
  expect(await valueOf(escalationReasons, { tenant: 'zendesk:unit', reason: 'negative_sentiment' })).toBeGreaterThanOrEqual(1);
  expect(await valueOf(modelTokens, { model: 'unit-model', kind: 'prompt' })).toBe(before.prompt + 2_000);
  // 2,000 × 0.40 / 1M + 500 × 1.60 / 1M = 0.0008 + 0.0008
  expect((await valueOf(modelCost, { model: 'unit-model' })) - before.cost).toBeCloseTo(0.0016, 10);
});

it('has no cost for a model without a price, and names a category-less draft', async () => {
  countDraft({ tenant: 'zendesk:unit', category: '', decision: 'review', reasons: [], model: 'priceless', usage: { promptTokens: 10, completionTokens: 10 } });
  expect(await valueOf(modelCost, { model: 'priceless' })).toBe(0);
  expect(await valueOf(decisions, { tenant: 'zendesk:unit', category: '(none)', decision: 'review' })).toBeGreaterThanOrEqual(1);
  expect(accountOf('https://acme.zendesk.com/api/v2/tickets/1.json')).toBe('acme.zendesk.com');
  expect(accountOf('not a url')).toBe('unknown');
});
