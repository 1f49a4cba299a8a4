// The stream leases (etl_lock) as statements: read the holder, take a free lease, take over a dead
// holder's, renew, release. The warehouse's own clock decides expiry, so hosts with skewed clocks agree.
// When to take, wait, renew or give up is jobs/lock.ts's business.
import type { Knex } from 'knex';
import type { SqlDialect } from '../../lib/dialects/dialect.js';
import type { LeaseHolder } from './types.js';

const TABLE = 'etl_lock';

/** Who takes a lease: its owner token and the host and process it runs in. */
export interface LeaseTaker { owner: string; host: string; pid: number }

export class LeaseTable {
  constructor(private readonly k: Knex | Knex.Transaction, private readonly d: SqlDialect) {}

  /** Who holds a stream's lease and until when; null when it was never taken. */
  async holder(stream: string): Promise<LeaseHolder | null> {
    const result = await this.k.raw(`select owner, expires_at, case when expires_at > ${this.d.nowUtc()} then 1 else 0 end as held, holder_host, holder_pid from ${TABLE} where stream = ?`, [stream]);
    const [row] = this.d.rows<{ owner: string; expires_at: string; held: unknown; holder_host: unknown; holder_pid: unknown }>(result);
    if (!row) return null;
    return {
      owner: String(row.owner),
      expiresAt: String(row.expires_at),
      held: Number(row.held) === 1,
      host: row.holder_host === null || row.holder_host === undefined ? null : String(row.holder_host),
      pid: row.holder_pid === null || row.holder_pid === undefined ? null : Number(row.holder_pid),
    };
  }

  /** One attempt at a free (expired or released) lease: true when `who` now holds it for `leaseMs`. */
  async take(stream: string, who: LeaseTaker, leaseMs: number): Promise<boolean> {
    const now = this.d.nowUtc();
    // The row exists from the first attempt on; taking it is then one conditional update, atomic on every database.
    await this.k.raw(`insert into ${TABLE} (stream, owner, acquired_at, expires_at, released_at) values (?, '', ${now}, ${now}, ${now}) ${this.d.onConflict(TABLE, ['stream'], {})}`, [stream]);
    const n = await this.k(TABLE)
      .where({ stream })
      .andWhereRaw(`expires_at <= ${now}`)
      .update(this.taken(who, leaseMs));
    return Number(n) === 1;
  }

  /** Takes a lease from `fromOwner` whatever its expiry, if that owner still holds it: true when `who` now does. */
  async takeOver(stream: string, fromOwner: string, who: LeaseTaker, leaseMs: number): Promise<boolean> {
    const n = await this.k(TABLE).where({ stream, owner: fromOwner }).update(this.taken(who, leaseMs));
    return Number(n) === 1;
  }

  /** Extends the lease by `leaseMs` from now: false when `owner` no longer holds it. */
  async renew(stream: string, owner: string, leaseMs: number): Promise<boolean> {
    const n = await this.k(TABLE).where({ stream, owner }).update({ expires_at: this.k.raw(this.d.nowUtcPlus(leaseMs)) });
    return Number(n) === 1;
  }

  /** Gives the lease back: free from now. */
  async release(stream: string, owner: string): Promise<void> {
    const now = this.d.nowUtc();
    await this.k(TABLE).where({ stream, owner }).update({ expires_at: this.k.raw(now), released_at: this.k.raw(now) });
  }

  private taken(who: LeaseTaker, leaseMs: number): Record<string, unknown> {
    return { owner: who.owner, acquired_at: this.k.raw(this.d.nowUtc()), expires_at: this.k.raw(this.d.nowUtcPlus(leaseMs)), released_at: null, holder_host: who.host, holder_pid: who.pid };
  }
}
