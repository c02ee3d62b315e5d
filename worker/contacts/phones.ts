import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { contactPhones } from "../db/schema";
import { Problem } from "../lib/problem";
import { type ParsedPhone, parsePhone } from "./phone";

/** Parses a phone a person typed, or answers 400 naming the field. */
export function parsePhoneInput(input: string, region: string, field = "phone_number"): ParsedPhone {
  const parsed = parsePhone(input, region);
  if (!parsed.ok) {
    const message =
      parsed.reason === "withheld"
        ? "is empty or a withheld caller id"
        : `is not a possible phone number (region ${region}; add a country code such as +44 for other countries)`;
    throw new Problem(400, `${field} ${message}`, { errors: [{ field, message }] });
  }
  return parsed.phone;
}

/** 409 naming the contact that already has this number in the organization. */
export async function phoneConflict(db: Db, organizationId: string, e164: string): Promise<Problem> {
  const [owner] = await db
    .select({ contactId: contactPhones.contactId })
    .from(contactPhones)
    .where(and(eq(contactPhones.organizationId, organizationId), eq(contactPhones.phoneNumber, e164)));
  return new Problem(409, `${e164} already belongs to another contact of this organization.`, {
    contact_id: owner?.contactId ?? null,
    phone_number: e164,
  });
}
