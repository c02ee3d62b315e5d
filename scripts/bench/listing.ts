/**
 * What the list+search and the assignments sections share: a "kind" is one request shape,
 * timed through the running Worker (interleaved with the no-op route), and, as the same SQL,
 * through the sqlite3 shell on the organization's store file.
 *
 * The sqlite3 side does not re-implement the store's query choice: it calls the store's own
 * runList (worker/store/search.ts) with a `Queries` that answers from results sqlite3 already
 * computed and throws for a statement it has not seen; the bench runs that statement in sqlite3
 * and calls runList again (runList is synchronous, sqlite3 a subprocess). Whatever runList does
 * (today: a tag-only filter first runs taggedCountQuery + the organization total and builds the
 * page with the tag's share) the CLI runs the same statements, in the same order, with the same
 * parameters. Then the statement that builds the page's 25 contacts as JSON, the store's own
 * CONTACTS_JSON (worker/store/contacts.ts) with the same values. The assignments view adds the statements worker/store/assignments.ts runs
 * around the list (counters, member check), rebuilt here from the same schema; its member filter is the list's assigned_to filter, counted exactly.
 *
 * The floor of a request is the no-op route (GET /api/health, sampled alternately with the
 * kind's requests) plus the sqlite3 time of those statements.
 */
import { type SQL, eq, fillPlaceholders } from "drizzle-orm";
import { drizzle } from "drizzle-orm/durable-sqlite";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import type { Sort } from "../../worker/schemas/contacts";
import * as schema from "../../worker/store/schema";
import type { Filters, ListParams, ListResult, Queries } from "../../worker/store/search";
import { inlineParams, queryRows, timeStatements } from "./sqlite";
import { ms, summarize, table } from "./stats";
import { RequestTimeout, timedGet } from "./worker";

export const TARGETS = {
  /** Worker p50 / (no-op p50 + sqlite3 p50). */
  floorP50: 1.5,
  /** Worker p95 / (no-op p95 + sqlite3 p95). */
  floorP95: 2,
  /** Carried over from the D1 bench: a list request stays fast in absolute terms too. */
  p95Ms: 25,
  /** A list request reads at most this many rows (x-rows-read): every query bounded by an index. */
  rowsRead: 25_000,
};
/** A list request slower than this is abandoned; the caller must restart the Worker (the store is still busy). */
export const REQUEST_TIMEOUT_MS = 10_000;
export const PAGE_SIZE = 25;

export interface ListKind {
  name: string;
  /** What the value stands for, printed under the table. */
  note: string;
  route: "list" | "assignments";
  search?: string;
  sort: Sort;
  tagIds: string[];
  page: number;
  /** Assignments only: all (default), unassigned or a member id. */
  memberFilter?: string;
  /** List only: filters as the URL gives them, and as the store resolves them (absolute dates in UTC, the bench organization's zone). */
  filters?: { params: Record<string, string>; resolved: Filters };
}

export interface Statement {
  label: string;
  sql: string;
}

export interface CliResult {
  statements: Statement[];
  /** Per statement: its sqlite3 CPU time per iteration (ms). */
  perStatement: number[][];
  /** Per iteration: all the statements, ms. */
  samples: number[];
  /** Sum of wall time over all iterations vs sum of CPU time, to check CPU time ≈ wall time. */
  realTotal: number;
  cpuTotal: number;
  ids: string[];
  total: number;
  /** Rounds of runList it took (each unseen statement is one more round). */
  rounds: number;
}

export interface WorkerResult {
  samples: number[];
  /** GET /api/health, sampled alternately with the kind's requests. */
  noop: number[];
  /** The same list through the bare Worker (store code in a copy of the store, no HTTP app), alternately too. */
  bare: number[];
  /** The bare Worker's no-op, its empty Durable Object call, and the kind's statements as raw SQL in its copy, alternately too. */
  bareNoop: number[];
  doCall: number[];
  bareExec: number[];
  rowsRead: number[];
  total: number;
  ids: string[];
  /** Size of the JSON answer (uncompressed). */
  bytes: number;
  /** What the bare Worker's copy answered (it must be the same page). */
  bareTotal: number;
  bareIds: string[];
  /** A request exceeded REQUEST_TIMEOUT_MS: no figures, and the store is still busy. */
  timedOut: boolean;
}

export interface KindResult {
  kind: ListKind;
  worker: WorkerResult;
  cli: CliResult;
  /** 1-minute load average when the Worker measurement of this kind ended. */
  load: number;
}

interface SearchModule {
  runList(s: Queries, p: ListParams): ListResult;
}
type Builder = { toSQL(): { sql: string; params: unknown[] } };
interface ContactsModule {
  CONTACTS_JSON: SQL;
  contactsValues(ids: string[], region: string): Record<string, unknown>;
}
/** The big organization's default region (scripts/bench/data.ts writes it into the backup). */
const REGION = "US";

// Imported at run time by path: these modules' imports reach types of the Workers runtime
// (SqlStorage, Env), which the scripts' typecheck (types: node) does not have.
const SEARCH_MODULE = new URL("../../worker/store/search.ts", import.meta.url).href;
const CONTACTS_MODULE = new URL("../../worker/store/contacts.ts", import.meta.url).href;
let modules: Promise<{ search: SearchModule; contacts: ContactsModule }> | undefined;
const storeModules = () =>
  (modules ??= Promise.all([import(SEARCH_MODULE), import(CONTACTS_MODULE)]).then(([search, contacts]) => ({
    search: search as SearchModule,
    contacts: contacts as ContactsModule,
  })));

/** The store's drizzle instance, minus the store: builds statements (toSQL) and runs none. */
const renderOnly = drizzle(
  {
    sql: {
      exec() {
        throw new Error("bench: this drizzle instance only renders SQL");
      },
    },
  } as never,
  { schema },
);
const dialect = new SQLiteSyncDialect();
const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();
const render = (q: SQL) => {
  const { sql: text, params } = dialect.sqlToQuery(q);
  return oneLine(inlineParams(text, params));
};
/** A statement written with placeholders (StoreContext.prepared), filled with `values`. */
const renderFilled = (q: SQL, values: Record<string, unknown>) => {
  const { sql: text, params } = dialect.sqlToQuery(q);
  return oneLine(inlineParams(text, fillPlaceholders(params, values)));
};
const renderBuilder = (b: Builder) => {
  const { sql: text, params } = b.toSQL();
  return oneLine(inlineParams(text, params));
};

function labelOf(text: string): string {
  if (/^SELECT c\.id AS id /.test(text)) return "page";
  if (/count\(DISTINCT ct\.contact_id\)/.test(text)) return "tagged count";
  if (/^SELECT 'total' AS facet/.test(text)) return "counters";
  if (/^WITH RECURSIVE/.test(text)) return "estimate";
  if (/^SELECT count\(\*\) AS n FROM \(SELECT .* LIMIT [\d.]+\)$/.test(text)) return "size";
  if (/contact_count AS n FROM contact_stats/.test(text)) return "org total";
  if (/FROM contact_user WHERE member_id/.test(text)) return "member count";
  if (/^SELECT count\(\*\) AS n /.test(text)) return "count";
  if (/^select "contact_count", "assigned_count" from "contact_stats"/.test(text)) return "counters";
  if (/^select "removed_at" from "members"/.test(text)) return "member check";
  return "statement";
}

/** runList asked for a statement sqlite3 has not run yet. */
class Unanswered extends Error {
  constructor(readonly statement: string) {
    super(`bench: no sqlite3 result yet for ${statement}`);
  }
}

/** Statements a list runs at most (counters, a size per range filter, the count or estimate, the page), plus one. */
const MAX_ROUNDS = 8;

/** Answers runList's statements from sqlite3 results, running an unseen statement between rounds. */
async function runListWithSqlite(file: string, p: ListParams) {
  const { search } = await storeModules();
  const answers = new Map<string, unknown[]>();
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const asked: string[] = [];
    const s: Queries = {
      query<T>(q: SQL) {
        const text = render(q);
        const rows = answers.get(text);
        if (!rows) throw new Unanswered(text);
        asked.push(text);
        return { rows: rows as T[], rowsRead: 0 };
      },
    };
    try {
      const result = search.runList(s, p);
      return { ...result, statements: asked, rounds: round };
    } catch (err) {
      if (!(err instanceof Unanswered)) throw err;
      answers.set(err.statement, await queryRows(file, err.statement));
    }
  }
  throw new Error(`runList asked for more than ${MAX_ROUNDS - 1} statements sqlite3 had not run: the bench's round limit needs raising`);
}

/** The assignments route's member filter: the list's assigned_to filter, as worker/store/assignments.ts passes it. */
function memberFilter(filter: string | undefined): Filters["assigned"] {
  if (!filter || filter === "all") return undefined;
  return filter === "unassigned" ? { unassigned: true } : { member: filter };
}

/**
 * The statements one request of this kind runs in the store, in order, with the page ids and
 * total they give: for the assignments view, its counters (and, for a member filter, the member
 * check), then runList's statements counting exactly; the 25 contacts.
 */
export async function planKind(file: string, kind: ListKind): Promise<{ statements: Statement[]; ids: string[]; total: number; rounds: number }> {
  const before: string[] = [];
  const assignments = kind.route === "assignments";
  if (assignments) {
    before.push(
      renderBuilder(renderOnly.select({ contacts: schema.contactStats.contactCount, assigned: schema.contactStats.assignedCount }).from(schema.contactStats)),
    );
    const filter = kind.memberFilter ?? "all";
    if (filter !== "all" && filter !== "unassigned") {
      before.push(renderBuilder(renderOnly.select({ removedAt: schema.members.removedAt }).from(schema.members).where(eq(schema.members.id, filter))));
    }
  }
  const list = await runListWithSqlite(file, {
    search: kind.search,
    sort: kind.sort,
    tagIds: kind.tagIds,
    page: kind.page,
    pageSize: PAGE_SIZE,
    filters: assignments ? { assigned: memberFilter(kind.memberFilter) } : kind.filters?.resolved,
    exactCount: assignments,
  });
  const { contacts } = await storeModules();
  const load = list.ids.length ? [{ label: "load contacts", sql: renderFilled(contacts.CONTACTS_JSON, contacts.contactsValues(list.ids, REGION)) }] : [];
  return {
    statements: [...[...before, ...list.statements].map((text) => ({ label: labelOf(text), sql: text })), ...load],
    ids: list.ids,
    total: list.total,
    rounds: list.rounds,
  };
}

function kindQuery(kind: ListKind): URLSearchParams {
  const params = new URLSearchParams({ sort: kind.sort, page: String(kind.page), page_size: String(PAGE_SIZE) });
  if (kind.search !== undefined) params.set("search", kind.search);
  if (kind.tagIds.length) params.set("tag_ids", kind.tagIds.join(","));
  if (kind.memberFilter !== undefined) params.set("member_filter", kind.memberFilter);
  for (const [key, value] of Object.entries(kind.filters?.params ?? {})) params.set(key, value);
  return params;
}

export const kindUrl = (base: string, kind: ListKind) => `${base}/api/contacts/${kind.route}?${kindQuery(kind)}`;

/** The same list through the bare Worker: the store's own list code in a copy of the store, no HTTP app. */
export const bareKindUrl = (bare: string, copy: string, kind: ListKind) => `${bare}/copy/${encodeURIComponent(copy)}/list/${kind.route}?${kindQuery(kind)}`;

/** Per query kind: stop timing after this long, so one pathological plan cannot stall the run. */
const BUDGET_MS = 8_000;
/** The CLI's estimate includes process starts, so it gets more room. */
const CLI_BUDGET_MS = 15_000;
const WARMUP = 5;

export async function measureCli(file: string, kind: ListKind, runs: number): Promise<CliResult> {
  const start = performance.now();
  const { statements, ids, total, rounds } = await planKind(file, kind);
  // Planning ran each list statement once (one sqlite3 process each): a pessimistic per-run estimate.
  const once = performance.now() - start;
  const iterations = Math.max(1, Math.min(runs, Math.floor(CLI_BUDGET_MS / once)));
  const warmup = iterations < runs ? 1 : WARMUP;
  const timing = await timeStatements(file, statements.map((s) => s.sql), iterations, warmup);
  return {
    statements,
    perStatement: timing.perStatement,
    // The shell's wall clock has 1 ms resolution; its CPU time (user+sys; one thread, data in the
    // page cache) has microsecond resolution. We take CPU time unless the wall clock exceeds it by
    // more than that resolution (the process waited: I/O or a busy machine), then wall time.
    samples: timing.cpu.map((cpu, i) => {
      const real = timing.real[i] ?? 0;
      return real > cpu + 1 ? real : cpu;
    }),
    realTotal: timing.real.reduce((a, b) => a + b, 0),
    cpuTotal: timing.cpu.reduce((a, b) => a + b, 0),
    ids,
    total,
    rounds,
  };
}

/** POST of JSON, timed like timedGet. */
async function timedPost(url: string, body: unknown): Promise<number> {
  const start = performance.now();
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url} -> ${res.status}: ${text.slice(0, 300)}`);
  return performance.now() - start;
}

/**
 * Times GET `url` `runs` times (after a warm-up), each request preceded by one GET /api/health
 * and followed (when the bare Worker is given) by its no-op, its empty Durable Object call, the
 * same list through it, and the kind's statements as raw SQL in its copy of the store: all
 * sampled alternately, under the same background load.
 */
export async function measureWorker(
  base: string,
  headers: Record<string, string>,
  kind: ListKind,
  runs: number,
  bare?: { url: string; copy: string; statements: string[] },
): Promise<WorkerResult> {
  const url = kindUrl(base, kind);
  const bareUrl = bare ? bareKindUrl(bare.url, bare.copy, kind) : undefined;
  const out: WorkerResult = { samples: [], noop: [], bare: [], bareNoop: [], doCall: [], bareExec: [], rowsRead: [], total: -1, ids: [], bytes: 0, bareTotal: -1, bareIds: [], timedOut: false };
  const get = async (target: string, h: Record<string, string>) => {
    const res = await timedGet(target, h, REQUEST_TIMEOUT_MS);
    if (res.status !== 200) throw new Error(`GET ${target} -> ${res.status}: ${res.body.slice(0, 500)}`);
    return { ...res, page: JSON.parse(res.body) as { total_count: number; contacts: { id: string }[] } };
  };
  try {
    let start = performance.now();
    for (let i = 0; i < WARMUP && performance.now() - start < BUDGET_MS / 4; i++) {
      await get(url, headers);
      if (bare && bareUrl) {
        await get(bareUrl, {});
        await timedPost(`${bare.url}/copy/${encodeURIComponent(bare.copy)}/exec`, { statements: bare.statements });
      }
    }
    start = performance.now();
    while (out.samples.length < runs && (out.samples.length === 0 || performance.now() - start < BUDGET_MS)) {
      out.noop.push((await timedGet(`${base}/api/health`, {})).ms);
      const res = await get(url, headers);
      out.samples.push(res.ms);
      out.rowsRead.push(Number(res.headers.get("x-rows-read") ?? Number.NaN));
      out.total = res.page.total_count;
      out.ids = res.page.contacts.map((c) => c.id);
      out.bytes = Buffer.byteLength(res.body);
      if (bare && bareUrl) {
        out.bareNoop.push((await timedGet(`${bare.url}/`, {})).ms);
        out.doCall.push((await timedGet(`${bare.url}/do-ping`, {})).ms);
        const b = await get(bareUrl, {});
        out.bare.push(b.ms);
        out.bareTotal = b.page.total_count;
        out.bareIds = b.page.contacts.map((c) => c.id);
        out.bareExec.push(await timedPost(`${bare.url}/copy/${encodeURIComponent(bare.copy)}/exec`, { statements: bare.statements }));
      }
    }
  } catch (err) {
    if (err instanceof RequestTimeout) return { ...out, samples: [], timedOut: true };
    throw err;
  }
  return out;
}

export function verdict(r: KindResult) {
  const w = summarize(r.worker.samples);
  const noop = summarize(r.worker.noop);
  const s = summarize(r.cli.samples);
  const floor = { p50: noop.p50 + s.p50, p95: noop.p95 + s.p95 };
  const rows = Math.max(...r.worker.rowsRead);
  const x50 = w.p50 / floor.p50;
  const x95 = w.p95 / floor.p95;
  const fails: string[] = [];
  if (r.worker.timedOut) {
    return { w, noop, s, floor, rows, x50, x95, fails: [`p50>${TARGETS.floorP50}xfloor`, `p95>${TARGETS.floorP95}xfloor`, `p95>${TARGETS.p95Ms}ms`, "rows?", `timeout>${REQUEST_TIMEOUT_MS / 1000}s`] };
  }
  if (!(x50 <= TARGETS.floorP50)) fails.push(`p50>${TARGETS.floorP50}xfloor`);
  if (!(x95 <= TARGETS.floorP95)) fails.push(`p95>${TARGETS.floorP95}xfloor`);
  if (!(w.p95 <= TARGETS.p95Ms)) fails.push(`p95>${TARGETS.p95Ms}ms`);
  if (!(rows <= TARGETS.rowsRead)) fails.push(`rows>${TARGETS.rowsRead / 1000}k`);
  return { w, noop, s, floor, rows, x50, x95, fails };
}

/** sqlite3 p50 of each statement of a kind, e.g. "page 0.05 + count 60.12 + load rows 0.10 ms". */
export function statementSplit(r: KindResult): string {
  return `${r.cli.statements.map((st, k) => `${st.label} ${ms(summarize(r.cli.perStatement[k] ?? []).p50, 2)}`).join(" + ")} ms`;
}

export function report(results: KindResult[]): { text: string; failed: KindResult[] } {
  const failed: KindResult[] = [];
  const rows = results.map((r) => {
    const v = verdict(r);
    if (v.fails.length) failed.push(r);
    const timeout = `>${REQUEST_TIMEOUT_MS}`;
    const t = r.worker.timedOut;
    return [
      r.kind.name,
      t ? timeout : ms(v.w.p50),
      t ? timeout : ms(v.w.p95),
      ms(v.noop.p50),
      ms(v.s.p50, 2),
      ms(v.floor.p50),
      ms(v.floor.p95),
      t ? "-" : `${v.x50.toFixed(2)}x`,
      t ? "-" : `${v.x95.toFixed(2)}x`,
      t ? "?" : String(v.rows),
      t ? "?" : String(r.worker.total),
      (r.worker.bytes / 1024).toFixed(1),
      `${r.worker.samples.length}/${r.cli.samples.length}`,
      r.load.toFixed(1),
      v.fails.length ? `FAIL ${v.fails.join(" ")}` : "PASS",
    ];
  });
  const header = [
    "kind",
    "worker p50",
    "worker p95",
    "no-op p50",
    "sqlite3 p50",
    "floor p50",
    "floor p95",
    "x floor p50",
    "x floor p95",
    "rows_read",
    "total",
    "KB",
    "n w/s",
    "load",
    "vs targets",
  ];
  return { text: table(header, rows), failed };
}

/**
 * Where a kind's median goes, from requests sampled alternately: the no-op route; the app's own
 * layers (router, middleware, auth, validation, the RPC answer's wrapping: the app's request over
 * its no-op, minus the bare Worker's same list over its no-op); one Durable Object call (the
 * bare Worker's empty call over its no-op); the same statements as raw SQL in workerd's SQLite
 * (the bare copy's exec over the empty call; next to sqlite3's figure for them); and the rest of
 * the store's work: drizzle's builders and row mapping, building the contacts (phone formatting),
 * and moving the answer over RPC and out as JSON (the bare list over the bare exec).
 */
export function splitTable(results: KindResult[]): string {
  const p50 = (xs: number[]) => summarize(xs).p50;
  const rows = results.map((r) => {
    const w = p50(r.worker.samples);
    const noop = p50(r.worker.noop);
    const bareNoop = p50(r.worker.bareNoop);
    const doCall = p50(r.worker.doCall);
    const bare = p50(r.worker.bare);
    const exec = p50(r.worker.bareExec);
    return [
      r.kind.name,
      ms(w),
      ms(noop),
      ms(w - noop - (bare - bareNoop)),
      ms(doCall - bareNoop),
      ms(exec - doCall),
      ms(p50(r.cli.samples), 2),
      ms(bare - exec),
      (r.worker.bytes / 1024).toFixed(1),
    ];
  });
  return table(["kind", "worker", "= no-op", "+ app layers", "+ DO call", "+ SQL in workerd", "(sqlite3 CLI)", "+ store JS and answer", "answer KB"], rows);
}

/** Sanity checks: the Worker and the CLI must have answered the same question. */
export function mismatches(results: KindResult[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    const name = `${r.kind.route === "assignments" ? "assignments/" : ""}${r.kind.name}`;
    if (r.worker.timedOut) {
      out.push(`${name}: a request through the Worker took over ${REQUEST_TIMEOUT_MS / 1000} s; abandoned, Worker restarted`);
      continue;
    }
    if (r.worker.total !== r.cli.total) out.push(`${name}: total ${r.worker.total} (worker) vs ${r.cli.total} (sqlite3)`);
    if (r.worker.ids.join() !== r.cli.ids.join()) out.push(`${name}: page ids differ between worker and sqlite3`);
    if (r.worker.bare.length && (r.worker.bareTotal !== r.worker.total || r.worker.bareIds.join() !== r.worker.ids.join())) {
      out.push(`${name}: the bare Worker's copy answered another page (total ${r.worker.bareTotal})`);
    }
    const distinctRows = new Set(r.worker.rowsRead);
    if (distinctRows.size > 1) out.push(`${name}: rows_read varied (${[...distinctRows].join(", ")})`);
    const perRunGap = (r.cli.realTotal - r.cli.cpuTotal) / r.cli.samples.length;
    if (perRunGap > 1) {
      out.push(`${name}: sqlite3 waited ${perRunGap.toFixed(1)} ms/run beyond its CPU time (busy machine?)`);
    }
  }
  return out;
}
