import type { Db } from "../db/client";
import { phoneDirectory } from "../phone-directory";
import { getRegion } from "./load";
import { type ParsedPhone, parsePhone } from "./phone";

export type CallerResolution =
  | { contactId: string; created: boolean; phone: ParsedPhone }
  | { contactId: null; created: false; reason: "withheld" | "invalid" };

/**
 * resolve_contact: the organization's contact for a caller id, created as a stub when new.
 * Withheld or unparseable caller ids create nothing.
 */
export async function resolveCaller(
  env: Env,
  db: Db,
  organizationId: string,
  rawPhone: string,
  source: string,
): Promise<CallerResolution> {
  const parsed = parsePhone(rawPhone, await getRegion(db, organizationId));
  if (!parsed.ok) return { contactId: null, created: false, reason: parsed.reason };
  const { contactId, created } = await phoneDirectory(env, organizationId).resolve(organizationId, parsed.phone, source);
  return { contactId, created, phone: parsed.phone };
}
