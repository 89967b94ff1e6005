/**
 * Tag ids by name. Intercom tags a conversation by tag id (POST /conversations/{id}/tags {id, admin_id}),
 * and the tag must exist. `POST /tags {name}` creates a tag or returns the one with that name
 * (case-insensitive), so it doubles as a lookup: each name costs one call per process, once, and
 * concurrent deliveries wait for the same call instead of sending their own. Ids seen on a conversation
 * read, or passed in from setup, cost nothing.
 */
export class TagCache {
  private readonly ids = new Map<string, Promise<string>>();

  constructor(seed: Record<string, string> = {}) {
    for (const [name, id] of Object.entries(seed)) this.learn(name, id);
  }

  /** A tag id seen elsewhere (a conversation read): never overrides a pending or known one. */
  learn(name: string, id: string): void {
    const key = name.toLowerCase();
    if (!this.ids.has(key)) this.ids.set(key, Promise.resolve(id));
  }

  known(name: string): boolean {
    return this.ids.has(name.toLowerCase());
  }

  /** The id, creating the tag with `create` the first time; a failed creation is forgotten so a retry tries again. */
  get(name: string, create: (name: string) => Promise<string>): Promise<string> {
    const key = name.toLowerCase();
    const cached = this.ids.get(key);
    if (cached) return cached;
    const pending = create(name);
    this.ids.set(key, pending);
    pending.catch(() => {
      if (this.ids.get(key) === pending) this.ids.delete(key);
    });
    return pending;
  }
}
