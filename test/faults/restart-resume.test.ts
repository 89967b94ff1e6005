import { loadThread } from '../../src/threads/thread-store';
import { zendeskComment } from '../helpers/fixtures';
import { startTestService } from '../helpers/test-service';

describe('in-process queue restart', () => {
  it('resumes deliveries recorded but not processed before the process stopped', async () => {
    // First run: deliveries are recorded; the process dies before its jobs ran (simulated by writing
    // the inbox rows the way the edge does, with no job behind them).
    const first = await startTestService();
    await first.service.queue.close(0); // the worker is gone: nothing will process these
    const bodies = [zendeskComment({ ticketId: '9101', text: 'first' }), zendeskComment({ ticketId: '9102', text: 'second' })];
    for (const b of bodies) {
      const r = await first.service.inbox.record({
        tenant: 'zendesk:acme', provider: 'zendesk', deliveryId: b.id, topic: 'ticket.comment_added',
        threadId: b.detail.id, receivedAt: new Date(), payload: JSON.stringify(b), status: 'received',
      });
      expect(r.inserted).toBe(true);
    }
    await first.close(true);

    const second = await startTestService({ dataDir: first.dataDir! });
    await second.waitIdle();
    const counts = await second.service.inbox.countByStatus();
    expect(counts).toEqual({ done: 2 });
    const thread = await loadThread(second.service.store.db, { tenant: 'zendesk:acme', provider: 'zendesk', threadId: '9102' });
    expect(thread?.thread.messages.map((m) => m.text)).toEqual(['second']);
    await second.close();
  });
});
