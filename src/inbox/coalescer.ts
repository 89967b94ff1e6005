/** What a write returns for one item that failed on its own: only that item's caller sees the error. */
export class ItemFailed {
  constructor(readonly error: unknown) {}
}

/**
 * Group commit: requests that arrive while one write is in flight are written together in the next one.
 * At low load every request is written at once; under load many share one statement, which is what
 * makes a durable inbox fast (one multi-row INSERT costs about what a single-row INSERT does).
 */
export class Coalescer<In, Out> {
  private pending: { item: In; resolve: (out: Out) => void; reject: (err: unknown) => void }[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly write: (items: In[]) => Promise<(Out | ItemFailed)[]>,
    private readonly maxBatch: number,
    private readonly maxInFlight = 2,
  ) {}

  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      // setImmediate, not a microtask: every request whose body arrived in this turn of the event loop
      // joins the batch instead of each being written on its own.
      if (this.inFlight < this.maxInFlight && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  /** resolves once everything submitted so far is written (or failed) */
  async drain(): Promise<void> {
    while (this.pending.length > 0 || this.inFlight > 0) {
      this.flush();
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private flush(): void {
    if (this.pending.length === 0 || this.inFlight >= this.maxInFlight) return;
    const batch = this.pending.splice(0, this.maxBatch);
    this.inFlight++;
    this.write(batch.map((b) => b.item))
      .then((outs) =>
        batch.forEach((b, i) => {
          const out = outs[i];
          if (out instanceof ItemFailed) b.reject(out.error);
          else b.resolve(out as Out);
        }),
      )
      .catch((err) => batch.forEach((b) => b.reject(err)))
      .finally(() => {
        this.inFlight--;
        this.flush();
      });
  }
}
