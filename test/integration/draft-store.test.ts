import { hadRecentAiAnswer, markDelivered, saveDraft } from '../../src/drafting/draft-store';
import { draftReply } from '../../src/drafting/draft-reply';
import { embeddedStoreForSuite } from '../helpers/databases';
import { demoDraftDeps, threadOf } from '../helpers/drafting';

describe('draft store', () => {
  const suiteStore = embeddedStoreForSuite();

  it('stores one draft per customer message and counts only sent autopilot answers as earlier AI answers', async () => {
    const thread = threadOf(['customer', 'How long does standard delivery take?']);
    const result = (await draftReply(demoDraftDeps(), thread))!;
    expect(result.decision).toBe('autopilot');
    const now = new Date('2026-11-27T10:00:00Z');
    const id = await saveDraft(suiteStore().db, thread, result, now);
    expect(id).toMatch(/^d_/);
    expect(await saveDraft(suiteStore().db, thread, result, now)).toBeNull();

    const q = { tenant: thread.tenant, requesterId: 'r1', category: 'shipping', since: new Date('2026-11-20T00:00:00Z'), excludeThreadId: 'other' };
    expect(await hadRecentAiAnswer(suiteStore().db, q)).toBe(false); // decided, never sent
    await markDelivered(suiteStore().db, id!, { shadow: true, written: false }, now);
    expect(await hadRecentAiAnswer(suiteStore().db, q)).toBe(false); // shadow mode sends nothing
    await markDelivered(suiteStore().db, id!, { shadow: false, written: true }, now);
    expect(await hadRecentAiAnswer(suiteStore().db, q)).toBe(true);
    expect(await hadRecentAiAnswer(suiteStore().db, { ...q, excludeThreadId: thread.id })).toBe(false);
    expect(await hadRecentAiAnswer(suiteStore().db, { ...q, since: new Date('2026-11-28T00:00:00Z') })).toBe(false);
  });
});
