import { type CallerResolution, phoneDirectory } from "../phone-directory";
import { isForeignKeyViolation } from "../lib/db-errors";

export type { CallerResolution };

interface Leased {
  contactId: string;
  phone: Extract<CallerResolution, { contactId: string }>["phone"];
  region: string;
  until: number;
}

// organization + caller id as sent -> the owner the PhoneDirectory named, while its lease runs.
const leased = new Map<string, Leased>();
const LEASED_MAX = 10_000;

/**
 * resolve_contact: the organization's contact for a caller id, created as a stub when new.
 * Withheld or unparseable caller ids create nothing. The organization's PhoneDirectory parses
 * (it keeps the default region in memory) and decides; its answer comes with a short lease
 * during which this isolate answers the same caller id without asking again (a Durable Object
 * call is most of a hot resolve's cost). A change to the number waits until leases have run out
 * before it is answered (PhoneDirectory.forget), so a lease never outlives a change.
 * `fresh` skips the lease, e.g. when the leased contact turned out to be gone.
 */
export async function resolveCaller(
  env: Env,
  organizationId: string,
  rawPhone: string,
  source: string,
  opts: { fresh?: boolean } = {},
): Promise<CallerResolution> {
  const key = `${organizationId} ${rawPhone}`;
  const hit = leased.get(key);
  if (hit && !opts.fresh && hit.until > Date.now()) {
    return { contactId: hit.contactId, created: false, phone: hit.phone, region: hit.region, leaseMs: 0 };
  }
  // Counted from before asking: the lease runs out here no later than the object counts it.
  const asked = Date.now();
  const r = await phoneDirectory(env, organizationId).resolveCaller(organizationId, rawPhone, source);
  if (r.contactId !== null && r.leaseMs > 0) {
    if (leased.size >= LEASED_MAX) leased.clear();
    leased.set(key, { contactId: r.contactId, phone: r.phone, region: r.region, until: asked + r.leaseMs });
  } else {
    leased.delete(key);
  }
  return r;
}

/**
 * Resolves the caller and records something that references its contact (`record`, one D1
 * batch). If the contact was deleted while a lease still named it, D1 refuses the reference:
 * then the PhoneDirectory is asked again (it answers once the deletion's leases have run out)
 * and the record retried once, so the call or message is never lost.
 */
export async function resolveAndRecord(
  env: Env,
  organizationId: string,
  rawPhone: string,
  source: string,
  record: (r: CallerResolution) => Promise<unknown>,
): Promise<CallerResolution> {
  const first = await resolveCaller(env, organizationId, rawPhone, source);
  try {
    await record(first);
    return first;
  } catch (err) {
    if (first.contactId === null || !isForeignKeyViolation(err)) throw err;
  }
  const again = await resolveCaller(env, organizationId, rawPhone, source, { fresh: true });
  await record(again);
  return again;
}
