import { DurableObject } from "cloudflare:workers";
import { createDb, type Db } from "./db/client";
import { eq } from "drizzle-orm";
import { type ParsedPhone, type PhoneParse, parsePhone } from "./contacts/phone";
import { type Resolution, resolveInD1 } from "./contacts/resolve";
import { organizationSettings } from "./db/schema";

interface CacheEntry {
  contactId: string;
  expiresAt: number;
}

// Bounds staleness if an invalidation from the REST API is ever lost.
const CACHE_TTL_MS = 10 * 60_000;
const CACHE_MAX = 50_000;
const REGION_TTL_MS = 5 * 60_000;
// Caller ids as the carrier sent them -> their parse with the current region.
const PARSED_MAX = 10_000;

/**
 * How long a Worker isolate may answer a number from its own memory after this object named the
 * owner (see contacts/caller.ts). Every change to a number waits until its leases have run out
 * (forget), so once a change has been answered, no resolve anywhere returns the old owner.
 */
export const LEASE_MS = 1_000;
// Added on this object's side: the isolate counts from before it asked, this object from after.
const LEASE_MARGIN_MS = 250;
// The lease horizon is stored (so a restarted object still waits out its predecessor's leases)
// in steps, so that granting leases does not write storage on every resolve.
const HORIZON_STEP_MS = 5_000;
const HORIZON_KEY = "lease_horizon";

/** `region`: the organization's default region the caller id was read with (for other numbers). */
export type CallerResolution = { region: string } & (
  | { contactId: string; created: boolean; phone: ParsedPhone; leaseMs: number }
  | { contactId: null; created: false; reason: "withheld" | "invalid"; leaseMs: 0 }
);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One per organization (idFromName(organization_id)). D1 is the source of truth; this object
 * serializes resolution per number (awaiting D1 opens the input gate, so concurrent requests
 * for the same new number wait on one in-flight promise), answers known numbers from memory and
 * grants the short leases that let Worker isolates answer repeated callers without asking.
 */
export class PhoneDirectory extends DurableObject<Env> {
  private readonly db: Db;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<Resolution & { fresh: () => boolean }>>();
  // Bumped by forget(): a resolve that read D1 before an invalidation must not re-cache.
  private readonly epochs = new Map<string, number>();
  private region: { value: string; until: number } | null = null;
  private regionEpoch = 0;
  private readonly parsed = new Map<string, PhoneParse>();
  // e164 -> when (this object's clock) the last lease granted on it runs out.
  private readonly leases = new Map<string, number>();
  // No lease granted by this object, or by its predecessors (stored), runs out after this.
  private horizon: number;
  private storedHorizon: number;
  // What a previous instance of this object (before a restart) stored: its leases may be live.
  private readonly inherited: number;
  // While a change waits out leases: resolves of those numbers (or of all, for a region) wait too.
  private readonly fences = new Map<string, Promise<void>>();
  private regionFence: Promise<void> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.db = createDb(env.DB);
    this.inherited = this.storedHorizon = this.horizon = Number(ctx.storage.kv.get(HORIZON_KEY) ?? 0);
  }

  /**
   * resolve_contact from what the carrier sent: parsed here with the organization's region
   * (kept in memory), so resolving a known number needs no D1 round trip at all.
   */
  async resolveCaller(organizationId: string, rawPhone: string, source: string): Promise<CallerResolution> {
    if (this.regionFence) await this.regionFence;
    const regionEpoch = this.regionEpoch;
    const region = await this.defaultRegion(organizationId);
    const parsed = this.parse(rawPhone, region);
    if (!parsed.ok) return { region, contactId: null, created: false, reason: parsed.reason, leaseMs: 0 };
    const e164 = parsed.phone.e164;
    const fence = this.fences.get(e164);
    if (fence) await fence;
    const r = await this.resolve(organizationId, parsed.phone, source);
    // No lease on an answer a change overtook (it may name the old owner, or read the old region).
    const leaseMs = r.fresh() && regionEpoch === this.regionEpoch ? this.grantLease(e164) : 0;
    return { region, contactId: r.contactId, created: r.created, phone: parsed.phone, leaseMs };
  }

  /**
   * libphonenumber's parse and format was most of a hot resolve's CPU time; a caller id's parse
   * depends only on the text and the region, so the same caller id is parsed once.
   */
  private parse(rawPhone: string, region: string): PhoneParse {
    let parsed = this.parsed.get(rawPhone);
    if (!parsed) {
      parsed = parsePhone(rawPhone, region);
      if (this.parsed.size >= PARSED_MAX) this.parsed.clear();
      this.parsed.set(rawPhone, parsed);
    }
    return parsed;
  }

  /** Called after the organization's default region changed: answers after every lease ran out. */
  async forgetRegion(): Promise<void> {
    this.region = null;
    this.parsed.clear();
    this.regionEpoch++;
    const wait = this.horizon - Date.now();
    if (wait > 0) {
      const fence = sleep(wait);
      this.regionFence = fence;
      await fence;
      if (this.regionFence === fence) this.regionFence = null;
    }
  }

  private async defaultRegion(organizationId: string): Promise<string> {
    if (this.region && this.region.until > Date.now()) return this.region.value;
    const [row] = await this.db
      .select({ region: organizationSettings.defaultRegion })
      .from(organizationSettings)
      .where(eq(organizationSettings.organizationId, organizationId));
    const value = row?.region ?? "US";
    // Parses made with another region are void (the change may have come from elsewhere).
    if (this.region && this.region.value !== value) this.parsed.clear();
    this.region = { value, until: Date.now() + REGION_TTL_MS };
    return value;
  }

  private async resolve(organizationId: string, phone: ParsedPhone, source: string): Promise<Resolution & { fresh: () => boolean }> {
    const key = phone.e164;
    const epoch = this.epochs.get(key) ?? 0;
    const fresh = () => (this.epochs.get(key) ?? 0) === epoch;
    const hit = this.cache.get(key);
    if (hit && hit.expiresAt > Date.now()) return { contactId: hit.contactId, created: false, fresh };
    const pending = this.inFlight.get(key);
    if (pending) return { ...(await pending), created: false };

    const work = resolveInD1(this.db, organizationId, phone, source).then((r) => ({ ...r, fresh }));
    this.inFlight.set(key, work);
    try {
      const result = await work;
      if (fresh()) this.remember(key, result.contactId);
      return result;
    } finally {
      this.inFlight.delete(key);
    }
  }

  /**
   * Called after any REST change to these numbers (add, edit, move, delete, contact deleted),
   * once D1 has committed it. Drops the cached owners and answers only when every lease on these
   * numbers has run out; resolves of them wait as long, then read D1.
   */
  async forget(numbers: string[]): Promise<void> {
    const now = Date.now();
    let until = this.inherited;
    for (const n of numbers) {
      this.cache.delete(n);
      this.epochs.set(n, (this.epochs.get(n) ?? 0) + 1);
      until = Math.max(until, this.leases.get(n) ?? 0);
      this.leases.delete(n);
    }
    if (until <= now) return;
    const fence = sleep(until - now);
    for (const n of numbers) this.fences.set(n, fence);
    await fence;
    for (const n of numbers) if (this.fences.get(n) === fence) this.fences.delete(n);
  }

  private grantLease(e164: string): number {
    const until = Date.now() + LEASE_MS + LEASE_MARGIN_MS;
    if (this.leases.size >= CACHE_MAX) {
      const now = Date.now();
      for (const [n, t] of this.leases) if (t <= now) this.leases.delete(n);
      if (this.leases.size >= CACHE_MAX) return 0;
    }
    this.leases.set(e164, until);
    this.horizon = Math.max(this.horizon, until);
    if (until > this.storedHorizon) {
      // Written before the answer leaves (the output gate holds it until storage has it).
      this.storedHorizon = until + HORIZON_STEP_MS;
      this.ctx.storage.kv.put(HORIZON_KEY, this.storedHorizon);
    }
    return LEASE_MS;
  }

  private remember(e164: string, contactId: string) {
    if (this.cache.size >= CACHE_MAX) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(e164, { contactId, expiresAt: Date.now() + CACHE_TTL_MS });
  }
}

// idFromName hashes the name; an organization's id never changes.
const ids = new Map<string, DurableObjectId>();

export function phoneDirectory(env: Env, organizationId: string) {
  let id = ids.get(organizationId);
  if (!id) {
    if (ids.size >= 10_000) ids.clear();
    ids.set(organizationId, (id = env.PHONE_DIRECTORY.idFromName(organizationId)));
  }
  return env.PHONE_DIRECTORY.get(id) as DurableObjectStub<PhoneDirectory>;
}

/**
 * Drops cached owners of these numbers; the D1 write it follows has already committed. Returns
 * once no Worker isolate can still answer these numbers from a lease.
 */
export async function forgetNumbers(env: Env, organizationId: string, numbers: string[]): Promise<void> {
  if (numbers.length === 0) return;
  try {
    await phoneDirectory(env, organizationId).forget(numbers);
  } catch (err) {
    // Leases run out within LEASE_MS; the cache TTL bounds how long a lost invalidation can matter.
    console.error("phone directory invalidation failed", err);
  }
}
