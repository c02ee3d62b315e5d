import { sql } from "drizzle-orm";
import { type Db, rawStatement } from "../db/client";

/** The "one preferred entry per contact" rule, shared by phones, emails and addresses. */
export type PreferredKind =
  | { table: "contact_phones"; flag: "is_preferred" }
  | { table: "contact_emails"; flag: "is_preferred" }
  | { table: "contact_addresses"; flag: "is_primary" };

export const PHONES: PreferredKind = { table: "contact_phones", flag: "is_preferred" };
export const EMAILS: PreferredKind = { table: "contact_emails", flag: "is_preferred" };
export const ADDRESSES: PreferredKind = { table: "contact_addresses", flag: "is_primary" };

/** Statement: clear the flag on the contact's other entries. */
export const unsetOthers = (db: Db, kind: PreferredKind, contactId: string, keepId: string) =>
  rawStatement(
    db,
    sql`UPDATE ${sql.identifier(kind.table)} SET ${sql.identifier(kind.flag)} = 0 WHERE contact_id = ${contactId} AND id != ${keepId}`,
  );

/** Statement: when no entry of the contact is flagged, flag the oldest one. */
export const ensureOne = (db: Db, kind: PreferredKind, contactId: string) => {
  const table = sql.identifier(kind.table);
  const flag = sql.identifier(kind.flag);
  return rawStatement(db, sql`UPDATE ${table} SET ${flag} = 1
    WHERE id = (SELECT id FROM ${table} WHERE contact_id = ${contactId} ORDER BY created_at, id LIMIT 1)
    AND NOT EXISTS (SELECT 1 FROM ${table} WHERE contact_id = ${contactId} AND ${flag} = 1)`);
};
