import nock from 'nock';

/**
 * Every provider call in the suite must be expected: after each test no interceptor may be left
 * unused and no request may have gone unmatched (with net connect disabled, such a request also
 * fails its call). `ignore` lets loopback calls to the server under test through.
 */
export function useStrictNock(ignore?: RegExp): void {
  let unmatched: string[] = [];
  const onNoMatch = (req: { method?: string; path?: string; href?: string }) => {
    const where = `${req.method} ${req.href ?? req.path}`;
    if (!ignore || !ignore.test(where)) unmatched.push(where);
  };
  beforeEach(() => {
    unmatched = [];
    nock.emitter.on('no match', onNoMatch);
  });
  afterEach(() => {
    nock.emitter.removeListener('no match', onNoMatch);
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
    expect(unmatched).toEqual([]);
  });
}
