import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import migrations from "../../migrations/store/migrations.js";
import { phoneForms } from "../lib/phone";

/** Where a store keeps the number of migrations it has applied. */
export const VERSION_KEY = "schema_version";
export const SCHEMA_VERSION = migrations.journal.entries.length;
/** The first schema version whose contact_phones keep their display forms. */
const PHONE_FORMS_VERSION = migrations.journal.entries.findIndex((e) => e.tag.endsWith("_phone_display_forms")) + 1;
const FILL_BATCH = 1000;

/**
 * Applies the migrations this store has not run yet, then what SQL alone cannot do for the rows
 * already there, and records the schema version. Run inside the store's blockConcurrencyWhile.
 */
export async function migrateStore(storage: DurableObjectStorage, db: DrizzleSqliteDODatabase<Record<string, unknown>>): Promise<void> {
  const before = storage.kv.get<number>(VERSION_KEY);
  await migrate(db, migrations);
  if (before !== undefined && before < PHONE_FORMS_VERSION) fillPhoneForms(storage.sql);
  if (before !== SCHEMA_VERSION) storage.kv.put(VERSION_KEY, SCHEMA_VERSION);
}

/** Writes the display forms of the numbers stored before the store kept them, a page at a time. */
function fillPhoneForms(sql: SqlStorage) {
  for (let after = 0; ; ) {
    const rows = sql
      .exec<{ r: number; phone: string }>("SELECT rowid AS r, phone_number AS phone FROM contact_phones WHERE rowid > ? AND international IS NULL ORDER BY rowid LIMIT ?", after, FILL_BATCH)
      .toArray();
    for (const { r, phone } of rows) {
      const f = phoneForms(phone);
      sql.exec("UPDATE contact_phones SET country = ?, national = ?, international = ? WHERE rowid = ?", f.country, f.national, f.international, r);
    }
    if (rows.length < FILL_BATCH) return;
    after = rows[rows.length - 1]!.r;
  }
}
