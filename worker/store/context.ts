import { type SQL, type SQLWrapper, fillPlaceholders, sql } from "drizzle-orm";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import { type PhoneParse, parsePhone } from "../lib/phone";
import { newId, nowIso } from "../lib/ids";
import type * as schema from "./schema";

export type StoreDb = DrizzleSqliteDODatabase<typeof schema>;

const dialect = new SQLiteSyncDialect();

/** Module-level statements, compiled once (StoreContext.prepared). */
const COMPILED = new WeakMap<SQL, { sql: string; params: unknown[] }>();

/**
 * A list of ids as a subquery, `(SELECT value FROM json_each(?))`: any number of them as ONE
 * bound parameter (SQLite in a Durable Object, like D1, takes at most 100 a statement).
 */
export const idsIn = (ids: readonly string[]) => sql`(SELECT value FROM json_each(${JSON.stringify(ids)}))`;
/** `column IN (ids)` for any number of ids (idsIn). */
export const inIds = (column: SQLWrapper, ids: readonly string[]) => sql`${column} IN ${idsIn(ids)}`;
// Caller ids as sent -> their parse with the current region (libphonenumber was a measurable
// share of a resolve's CPU; the same caller id is parsed once).
const PARSED_MAX = 10_000;

/** Who a store call acts for (the history's "by"): the request's member or API key, else the store itself. */
export interface Who {
  kind: "member" | "api_key" | "system";
  id: string | null;
  name: string | null;
}
export const SYSTEM: Who = { kind: "system", id: null, name: null };

/**
 * What the store's domain modules work with: synchronous SQL on this organization's database.
 * Every RPC runs inside one transaction (OrgStore.write), so a module never writes half.
 */
export class StoreContext {
  private region: string | null = null;
  private hours: { timezone: string | null; start: string; end: string } | null = null;
  private readonly parsed = new Map<string, PhoneParse>();
  /** Members whose copy is known to be current (id -> fingerprint): touching them costs no query. */
  readonly knownMembers = new Map<string, string>();
  /** Enabled webhook endpoints and their event types; null until read (and after any change). */
  private subscribers: { id: string; types: Set<string> }[] | null = null;
  /** The organization's blocked numbers (E.164); null until read (and after any change). */
  private blocked: Set<string> | null = null;
  /** Who the call under way acts for (set by OrgStore.call). */
  who: Who = SYSTEM;
  /** Some member has the app open (a live socket to this store): events are collected for it. */
  live = false;
  /** The events of the transaction under way, pushed to the open tabs once it commits. */
  readonly liveEvents: { type: string; data: Record<string, unknown> }[] = [];

  /**
   * Runs `fn` without telling the open tabs of each change it makes (webhooks still get theirs):
   * work on many contacts (an import's chunk, a bulk change) sends one progress event instead.
   */
  quietly<T>(fn: () => T): T {
    const live = this.live;
    this.live = false;
    try {
      return fn();
    } finally {
      this.live = live;
    }
  }

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

  /**
   * Rows of a statement written once at module level with `sql.placeholder(name)` for its values:
   * compiled to SQLite's text on first use only (a hot path's drizzle compile is a visible share
   * of its time in a Durable Object).
   */
  prepared<T>(query: SQL, values: Record<string, unknown>): T[] {
    return this.execPrepared(query, values).toArray() as T[];
  }

  /** The same, each row as an array of its columns' values (cheaper to hand over in bulk). */
  preparedRaw<T extends unknown[]>(query: SQL, values: Record<string, unknown>): T[] {
    return Array.from(this.execPrepared(query, values).raw()) as T[];
  }

  private execPrepared(query: SQL, values: Record<string, unknown>) {
    let compiled = COMPILED.get(query);
    if (!compiled) COMPILED.set(query, (compiled = dialect.sqlToQuery(query)));
    return this.sql.exec(compiled.sql, ...fillPlaceholders(compiled.params, values));
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

  /** The organization's time zone and quiet hours (the window texts and calls may go out in). */
  quietHours(): { timezone: string | null; start: string; end: string } {
    this.hours ??= this.sql
      .exec<{ timezone: string | null; start: string; end: string }>("SELECT timezone, quiet_hours_start AS start, quiet_hours_end AS end FROM store_settings WHERE id = 1")
      .toArray()[0] ?? { timezone: null, start: "08:00", end: "21:00" };
    return this.hours;
  }

  setQuietHours(patch: { timezone?: string | null; start?: string; end?: string }) {
    const next = { ...this.quietHours(), ...patch };
    this.sql.exec("UPDATE store_settings SET timezone = ?, quiet_hours_start = ?, quiet_hours_end = ?, updated_at = ? WHERE id = 1", next.timezone, next.start, next.end, nowIso());
    this.hours = next;
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
    this.hours = null;
    this.parsed.clear();
    this.knownMembers.clear();
    this.subscribers = null;
    this.liveEvents.length = 0;
    this.blocked = null;
  }

  /** Whether calls and texts from this E.164 number are refused (kept in memory: resolve is hot). */
  isBlocked(e164: string): boolean {
    this.blocked ??= new Set(this.sql.exec<{ n: string }>("SELECT phone_number AS n FROM blocked_numbers").toArray().map((r) => r.n));
    return this.blocked.has(e164);
  }

  /** The block list changed: read it again when next asked. */
  forgetBlocked() {
    this.blocked = null;
  }

  /** Wake the store's alarm as soon as this transaction commits (R2 deletions, webhook deliveries). */
  scheduleNow() {
    this.scheduleAlarm();
  }

  /** Webhook endpoints changed: read them again at the next event. */
  forgetSubscribers() {
    this.subscribers = null;
  }

  private endpointsFor(type: string): string[] {
    this.subscribers ??= this.sql
      .exec<{ id: string; event_types: string }>("SELECT id, event_types FROM webhook_endpoints WHERE enabled = 1")
      .toArray()
      .map((r) => ({ id: r.id, types: new Set(JSON.parse(r.event_types) as string[]) }));
    return this.subscribers.filter((e) => e.types.has(type)).map((e) => e.id);
  }

  /** Whether an open tab or some enabled endpoint wants `type` (so its data is worth computing). */
  wants(type: string): boolean {
    return this.live || this.endpointsFor(type).length > 0;
  }

  /**
   * Records event `type` in the outbox, in the transaction of the change it describes, for every
   * enabled endpoint subscribed to it, and for the open tabs (nothing at all when nobody listens:
   * the common case costs no write, and `data` given as a function is not even computed).
   * `orderKey` (the contact it is about) keeps one contact's events in order per endpoint.
   */
  emit(type: string, data: Record<string, unknown> | (() => Record<string, unknown>), orderKey?: string | null, onlyEndpoint?: string) {
    const targets = onlyEndpoint ? [onlyEndpoint] : this.endpointsFor(type);
    const live = this.live && !onlyEndpoint;
    if (targets.length === 0 && !live) return;
    const body = typeof data === "function" ? data() : data;
    if (live) this.liveEvents.push({ type, data: body });
    if (targets.length === 0) return;
    const now = nowIso();
    const eventId = `msg_${newId().replaceAll("-", "")}`;
    const payload = JSON.stringify({ type, timestamp: now, data: body });
    const seq = this.sql.exec<{ seq: number }>("INSERT INTO webhook_events (id, type, payload, created_at) VALUES (?, ?, ?, ?) RETURNING seq", eventId, type, payload, now).one().seq;
    for (const endpointId of targets) {
      this.sql.exec(
        `INSERT INTO webhook_deliveries (id, seq, endpoint_id, event_id, order_key, status, attempts, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)`,
        newId(), seq, endpointId, eventId, orderKey ?? eventId, now, now, now,
      );
    }
    this.scheduleAlarm();
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
