import { eq } from "drizzle-orm";
import { type ParsedPhone, phoneForms } from "../lib/phone";
import { Problem } from "../lib/problem";
import type { StoreContext } from "./context";
import { contactPhones } from "./schema";

/** Parses a phone a person typed with the organization's region, or answers 400 naming the field. */
export function parsePhoneInput(s: StoreContext, input: string, field = "phone_number"): ParsedPhone {
  const parsed = s.parsePhone(input);
  if (!parsed.ok) {
    const message =
      parsed.reason === "withheld"
        ? "is empty or a withheld caller id"
        : `is not a possible phone number (region ${s.defaultRegion()}; add a country code such as +44 for other countries)`;
    throw new Problem(400, `${field} ${message}`, { errors: [{ field, message }] });
  }
  return parsed.phone;
}

/** A parsed number as contact_phones stores it: the number, its digits for search, its display forms. */
export const phoneColumns = (phone: ParsedPhone) => ({
  phoneNumber: phone.e164,
  digits: phone.digits,
  nationalDigits: phone.nationalDigits,
  ...phoneForms(phone.e164),
});

/** 409 naming the contact that already has this number, unless it is free (or `exceptId`'s). */
export function phoneConflict(s: StoreContext, e164: string, exceptId?: string): void {
  const owner = s.db.select({ id: contactPhones.id, contactId: contactPhones.contactId }).from(contactPhones).where(eq(contactPhones.phoneNumber, e164)).get();
  if (owner && owner.id !== exceptId) {
    throw new Problem(409, `${e164} already belongs to another contact of this organization.`, { contact_id: owner.contactId, phone_number: e164 });
  }
}
