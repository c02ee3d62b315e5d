import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import { type PhoneParse, parsePhone } from "../lib/phone";
import { nowIso } from "../lib/ids";
import type * as schema from "./schema";

export type StoreDb = DrizzleSqliteDODatabase<typeof schema>;

const dialect = new SQLiteSyncDialect();

/**
 * The outer contact's id in a correlated subquery of a select from `contacts`. Written out: in a
 * one-table select drizzle writes `${contacts.id}` as a bare "id", which inside a subquery names
 * the subquery's own id column.
 */
export const CONTACT_ID = sql`"contacts"."id"`;

/**
 * `column IN (ids)` for any number of ids, as ONE bound parameter: SQLite in a Durable Object
 * (like D1) takes at most 100 bound parameters a statement.
 */
export const inIds = (column: SQLWrapper, ids: readonly string[]) => sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;
// Caller ids as sent -> their parse with the current region (libphonenumber was a measurable
// share of a resolve's CPU; the same caller id is parsed once).
const PARSED_MAX = 10_000;

/**
 * What the store's domain modules work with: synchronous SQL on this organization's database.
 * Every RPC runs inside one transaction (OrgStore.write), so a module never writes half.
 */
export class StoreContext {
  private region: string | null = null;
  private readonly parsed = new Map<string, PhoneParse>();
  /** Members whose copy is known to be current (id -> fingerprint): touching them costs no query. */
  readonly knownMembers = new Map<string, string>();

  constructor(
    readonly db: StoreDb,
    private readonly sql: SqlStorage,
    readonly organizationId: string,
    private readonly scheduleAlarm: () => void,
  ) {}

  /** Rows of a raw query, and how many rows SQLite read for it. */
  query<T>(query: SQL): { rows: T[]; rowsRead: number } {
    const { sql, params } = dialect.sqlToQuery(query);
    const cursor = this.sql.exec(sql, ...params);
    const rows = cursor.toArray() as T[];
    return { rows, rowsRead: cursor.rowsRead };
  }

  all<T>(query: SQL): T[] {
    return this.query<T>(query).rows;
  }

  get<T>(query: SQL): T | undefined {
    return this.query<T>(query).rows[0];
  }

  run(query: SQL): number {
    const { sql, params } = dialect.sqlToQuery(query);
    return this.sql.exec(sql, ...params).rowsWritten;
  }

  /** The organization's default region: how numbers without a country code are read. */
  defaultRegion(): string {
    this.region ??= (this.sql.exec("SELECT default_region FROM store_settings WHERE id = 1").toArray()[0]?.default_region as string) ?? "US";
    return this.region;
  }

  setDefaultRegion(region: string) {
    this.sql.exec("UPDATE store_settings SET default_region = ?, updated_at = ? WHERE id = 1", region, nowIso());
    this.region = region;
    this.parsed.clear();
  }

  /** A caller id or typed number read with the organization's region. */
  parsePhone(raw: string): PhoneParse {
    let parsed = this.parsed.get(raw);
    if (!parsed) {
      parsed = parsePhone(raw, this.defaultRegion());
      if (this.parsed.size >= PARSED_MAX) this.parsed.clear();
      this.parsed.set(raw, parsed);
    }
    return parsed;
  }

  /** Forget cached state after a transaction that changed it rolled back. */
  reset() {
    this.region = null;
    this.parsed.clear();
    this.knownMembers.clear();
  }

  /** R2 objects no row refers to any more: deleted by the store's alarm after this commits. */
  deleteBlobs(keys: (string | null | undefined)[]) {
    const now = nowIso();
    let any = false;
    for (const key of keys) {
      if (!key) continue;
      this.sql.exec("INSERT INTO blob_deletions (key, requested_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", key, now);
      any = true;
    }
    if (any) this.scheduleAlarm();
  }
}
