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

export type CallerResolution =
  | { contactId: string; created: boolean; phone: ParsedPhone }
  | { contactId: null; created: false; reason: "withheld" | "invalid" };

/**
 * One per organization (idFromName(organization_id)). D1 is the source of truth; this object
 * serializes resolution per number (awaiting D1 opens the input gate, so concurrent requests
 * for the same new number wait on one in-flight promise) and answers known numbers from memory.
 */
export class PhoneDirectory extends DurableObject<Env> {
  private readonly db: Db;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<Resolution>>();
  // Bumped by forget(): a resolve that read D1 before an invalidation must not re-cache.
  private readonly epochs = new Map<string, number>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.db = createDb(env.DB);
  }

  private region: { value: string; until: number } | null = null;
  private readonly parsed = new Map<string, PhoneParse>();

  /**
   * resolve_contact from what the carrier sent: parsed here with the organization's region
   * (kept in memory), so resolving a known number needs no D1 round trip at all.
   */
  async resolveCaller(organizationId: string, rawPhone: string, source: string): Promise<CallerResolution> {
    const parsed = this.parse(rawPhone, await this.defaultRegion(organizationId));
    if (!parsed.ok) return { contactId: null, created: false, reason: parsed.reason };
    const { contactId, created } = await this.resolve(organizationId, parsed.phone, source);
    return { contactId, created, phone: parsed.phone };
  }

  /**
   * libphonenumber's parse and format is most of a hot resolve's CPU time; a caller id's parse
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

  /** Called after the organization's default region changes. */
  async forgetRegion(): Promise<void> {
    this.region = null;
    this.parsed.clear();
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

  async resolve(organizationId: string, phone: ParsedPhone, source: string): Promise<Resolution> {
    const hit = this.cache.get(phone.e164);
    if (hit && hit.expiresAt > Date.now()) return { contactId: hit.contactId, created: false };
    const pending = this.inFlight.get(phone.e164);
    if (pending) return { ...(await pending), created: false };

    const epoch = this.epochs.get(phone.e164) ?? 0;
    const work = resolveInD1(this.db, organizationId, phone, source);
    this.inFlight.set(phone.e164, work);
    try {
      const result = await work;
      if ((this.epochs.get(phone.e164) ?? 0) === epoch) this.remember(phone.e164, result.contactId);
      return result;
    } finally {
      this.inFlight.delete(phone.e164);
    }
  }

  /** Called after any REST change to these numbers (add, edit, move, delete, contact deleted). */
  async forget(numbers: string[]): Promise<void> {
    for (const n of numbers) {
      this.cache.delete(n);
      this.epochs.set(n, (this.epochs.get(n) ?? 0) + 1);
    }
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

/** Drops cached owners of these numbers; the D1 write it follows has already committed. */
export async function forgetNumbers(env: Env, organizationId: string, numbers: string[]): Promise<void> {
  if (numbers.length === 0) return;
  try {
    await phoneDirectory(env, organizationId).forget(numbers);
  } catch (err) {
    // The cache TTL bounds how long a lost invalidation can matter.
    console.error("phone directory invalidation failed", err);
  }
}
