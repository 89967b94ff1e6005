import { Coalescer } from '../../src/inbox/coalescer';

describe('Coalescer', () => {
  it('writes concurrent submissions together and answers each in order', async () => {
    const batches: number[][] = [];
    const c = new Coalescer<number, number>(async (items) => {
      batches.push(items);
      await new Promise((r) => setTimeout(r, 10));
      return items.map((i) => i * 2);
    }, 50, 1);
    const results = await Promise.all(Array.from({ length: 120 }, (_, i) => c.submit(i)));
    expect(results).toEqual(Array.from({ length: 120 }, (_, i) => i * 2));
    expect(batches.length).toBeLessThan(10);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(50);
  });

  it('rejects every member of a failed batch and keeps working afterwards', async () => {
    let fail = true;
    const c = new Coalescer<number, number>(async (items) => {
      if (fail) throw new Error('store down');
      return items;
    }, 10);
    await expect(Promise.all([c.submit(1), c.submit(2)])).rejects.toThrow('store down');
    fail = false;
    await expect(c.submit(3)).resolves.toBe(3);
  });
});
