import { sql } from "drizzle-orm";
import { type Db, rawStatement, runBatch } from "../db/client";
import { newId, nowIso } from "../lib/ids";
import type { ParsedPhone } from "./phone";

export interface Resolution {
  contactId: string;
  created: boolean;
}

/**
 * Finds the contact that owns `phone` in the organization, or creates a stub contact with that
 * phone as preferred. One D1 batch (a single transaction) with the preconditions in SQL: the
 * stub and its phone are inserted together or not at all, so concurrent callers can never
 * leave a duplicate or an orphan stub, whichever path (Durable Object or not) calls this.
 */
export async function resolveInD1(
  db: Db,
  organizationId: string,
  phone: ParsedPhone,
  source: string,
): Promise<Resolution> {
  const contactId = newId();
  const now = nowIso();
  const absent = sql`NOT EXISTS (SELECT 1 FROM contact_phones WHERE organization_id = ${organizationId} AND phone_number = ${phone.e164})`;
  const [, , found] = (await runBatch(db, [
    rawStatement(db, sql`INSERT INTO contacts (id, organization_id, first_name, last_name, source, status, created_at, updated_at)
      SELECT ${contactId}, ${organizationId}, '', '', ${source}, 'active', ${now}, ${now} WHERE ${absent}`),
    rawStatement(db, sql`INSERT INTO contact_phones (id, organization_id, contact_id, phone_number, digits, national_digits, label, is_preferred, created_at)
      SELECT ${newId()}, ${organizationId}, ${contactId}, ${phone.e164}, ${phone.digits}, ${phone.nationalDigits}, NULL, 1, ${now}
      WHERE EXISTS (SELECT 1 FROM contacts WHERE id = ${contactId})`),
    rawStatement(
      db,
      sql`SELECT contact_id FROM contact_phones WHERE organization_id = ${organizationId} AND phone_number = ${phone.e164}`,
    ),
  ])) as [unknown, unknown, D1Result<{ contact_id: string }>];
  const owner = found.results[0]?.contact_id;
  if (!owner) throw new Error("phone resolution found no owner after insert");
  return { contactId: owner, created: owner === contactId };
}
