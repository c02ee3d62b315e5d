import { type CallerResolution, phoneDirectory } from "../phone-directory";

export type { CallerResolution };

/**
 * resolve_contact: the organization's contact for a caller id, created as a stub when new.
 * Withheld or unparseable caller ids create nothing. Parsing happens in the organization's
 * PhoneDirectory, which keeps the default region in memory.
 */
export function resolveCaller(env: Env, organizationId: string, rawPhone: string, source: string): Promise<CallerResolution> {
  return phoneDirectory(env, organizationId).resolveCaller(organizationId, rawPhone, source);
}
