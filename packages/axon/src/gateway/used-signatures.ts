// Signatures already spent on a continuation, remembered until they expire, so that the same
// approval sent twice runs its tool once. In this process's memory: a replicated deployment
// needs the shared store of issue 15 (threads and approvals on a database), or a replay can land
// on another replica.

/** Default cap: past it, a continuation is refused (429) rather than forgetting an unexpired one. */
export const DEFAULT_MAX_USED_SIGNATURES = 100_000;

export class UsedSignatures {
  // By id, its expiry (ms since epoch); a Map keeps insertion order, so sweeps start at the oldest.
  private readonly used = new Map<string, number>();

  /** @param max How many unexpired signatures are kept at most. Default: 100,000. */
  constructor(private readonly max: number = DEFAULT_MAX_USED_SIGNATURES) {}

  has(id: string, now = Date.now()): boolean {
    const expiresAt = this.used.get(id);
    return expiresAt !== undefined && expiresAt > now;
  }

  /**
   * Remembers every id at once, or none (false) when that would pass the cap even after the
   * expired ones are dropped. Forgetting an unexpired one instead would let it be replayed.
   */
  addAll(entries: { id: string; expiresAt: number }[], now = Date.now()): boolean {
    if (this.used.size + entries.length > this.max) this.sweep(now);
    if (this.used.size + entries.length > this.max) return false;
    for (const { id, expiresAt } of entries) this.used.set(id, expiresAt);
    return true;
  }

  /** Gives ids back: their continuation was refused before anything ran. */
  deleteAll(ids: string[]): void {
    for (const id of ids) this.used.delete(id);
  }

  get size(): number {
    return this.used.size;
  }

  private sweep(now: number): void {
    for (const [id, expiresAt] of this.used) if (expiresAt <= now) this.used.delete(id);
  }
}
