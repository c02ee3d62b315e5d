/**
 * What the list+search and the assignments sections share: a "kind" is one request shape,
 * timed through the running Worker and, as the same SQL, through the sqlite3 shell on the same
 * database file.
 *
 * The sqlite3 side does not re-implement the route's query choice: it calls the Worker's own
 * runList (worker/contacts/list.ts) with a stand-in D1 that runs each statement in sqlite3. So
 * whatever runList does (today: a tag-only filter first runs taggedCountQuery + the organization
 * total, derives the tag's share and only then builds the page with listQueries({..., tagShare}))
 * the CLI runs the same statements, in the same order, with the same parameters.
 */
import { type SQL, sql } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { Sort } from "../../worker/schemas/contacts";
import type { ListParams } from "../../worker/store/search";
import { inlineParams, queryRows, timeStatements } from "./sqlite";
import { ms, summarize, table } from "./stats";
import { RequestTimeout, timedGet } from "./worker";

export const TARGETS = { p95Ms: 25, ratio: 2, rowsRead: 25_000 };
/** A list request slower than this is abandoned; the caller must restart the Worker (D1 is still busy). */
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
}

export interface WorkerResult {
  samples: number[];
  /** D1 time the route reports in `server-timing: d1;dur=X` (empty when it sends none). */
  d1: number[];
  rowsRead: number[];
  total: number;
  ids: string[];
  /** A request exceeded REQUEST_TIMEOUT_MS: no figures, and the Worker's D1 is still busy. */
  timedOut: boolean;
}

export interface KindResult {
  kind: ListKind;
  worker: WorkerResult;
  cli: CliResult;
  /** 1-minute load average when the Worker measurement of this kind ended. */
  load: number;
}

type RunList = (
  db: unknown,
  p: ListParams,
) => Promise<{ ids: string[]; total: number; rowsRead: number; d1Ms: number }>;

// Imported at run time by path: worker/contacts/list.ts uses the Workers runtime's global types
// (D1Result), which the scripts' typecheck (types: node) does not have.
const LIST_MODULE = new URL("../../worker/store/search.ts", import.meta.url).href;
let runListFn: RunList | undefined;
async function runList(): Promise<RunList> {
  runListFn ??= ((await import(LIST_MODULE)) as { runList: RunList }).runList;
  return runListFn;
}

const dialect = new SQLiteAsyncDialect();
const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

function labelOf(text: string): string {
  if (/^SELECT c\.id AS id /.test(text)) return "page";
  if (/count\(DISTINCT ct\.contact_id\)/.test(text)) return "tagged count";
  if (/count\(DISTINCT contact_id\) AS n FROM contact_user/.test(text)) return "assigned count";
  if (/contact_count FROM organization_stats/.test(text)) return "org total";
  if (/^SELECT count\(\*\) AS n /.test(text)) return "count";
  return "statement";
}

/**
 * A stand-in for the Worker's drizzle D1 client that runs each batched statement with the
 * sqlite3 shell (worker/db/client.ts builds batch items whose prepared query carries sql+params).
 */
function sqliteDb(file: string, log: Statement[]) {
  return {
    $client: { prepare: () => ({}) },
    async batch(items: { _prepare(): { getQuery(): { sql: string; params: unknown[] } } }[]) {
      const out = [];
      for (const item of items) {
        const { sql: text, params } = item._prepare().getQuery();
        const statement = oneLine(inlineParams(text, params));
        log.push({ label: labelOf(statement), sql: statement });
        out.push({ results: await queryRows(file, statement), meta: { rows_read: 0, duration: 0 } });
      }
      return out;
    },
  };
}

/** The assignments route's member filter, as written in worker/routes/assignments.ts. */
export function memberExtra(filter: string | undefined): SQL | undefined {
  if (!filter || filter === "all") return undefined;
  if (filter === "unassigned") return sql`NOT EXISTS (SELECT 1 FROM contact_user cu WHERE cu.contact_id = c.id)`;
  return sql`c.id IN (SELECT cu.contact_id FROM contact_user cu WHERE cu.member_id = ${filter})`;
}

/** The assignments route's second batch (run alongside the list): organization-wide counters. */
export function assignmentSideStatements(organizationId: string): Statement[] {
  return [
    sql`SELECT count(DISTINCT contact_id) AS n FROM contact_user WHERE organization_id = ${organizationId}`,
    sql`SELECT coalesce((SELECT contact_count FROM organization_stats WHERE organization_id = ${organizationId}), 0) AS n`,
  ].map((q) => {
    const { sql: text, params } = dialect.sqlToQuery(q);
    const statement = oneLine(inlineParams(text, params));
    return { label: labelOf(statement), sql: statement };
  });
}

/**
 * The statements one request of this kind runs in D1 (apart from the session, membership and
 * member-exists lookups, which are primary-key reads), with the page ids and total they give.
 */
export async function planKind(file: string, kind: ListKind, organizationId: string): Promise<{ statements: Statement[]; ids: string[]; total: number }> {
  const log: Statement[] = [];
  const result = await (await runList())(sqliteDb(file, log), {
    search: kind.search,
    sort: kind.sort,
    tagIds: kind.tagIds,
    page: kind.page,
    pageSize: PAGE_SIZE,
    extra: kind.route === "assignments" ? memberExtra(kind.memberFilter) : undefined,
  });
  const statements = kind.route === "assignments" ? [...log, ...assignmentSideStatements(organizationId)] : log;
  return { statements, ids: result.ids, total: result.total };
}

export function kindUrl(base: string, kind: ListKind): string {
  const params = new URLSearchParams({ sort: kind.sort, page: String(kind.page), page_size: String(PAGE_SIZE) });
  if (kind.search !== undefined) params.set("search", kind.search);
  if (kind.tagIds.length) params.set("tag_ids", kind.tagIds.join(","));
  if (kind.memberFilter !== undefined) params.set("member_filter", kind.memberFilter);
  return `${base}/api/contacts/${kind.route}?${params}`;
}

/** Per query kind: stop timing after this long, so one pathological plan cannot stall the run. */
const BUDGET_MS = 8_000;
/** The CLI's estimate includes process starts, so it gets more room. */
const CLI_BUDGET_MS = 15_000;
const WARMUP = 5;

export async function measureCli(file: string, kind: ListKind, organizationId: string, runs: number): Promise<CliResult> {
  const start = performance.now();
  const { statements, ids, total } = await planKind(file, kind, organizationId);
  // Planning ran each statement once (one sqlite3 process each): a pessimistic per-run estimate.
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
  };
}

const SERVER_TIMING_D1 = /(?:^|,)\s*d1;dur=([\d.]+)/;

export async function measureWorker(base: string, headers: Record<string, string>, kind: ListKind, runs: number): Promise<WorkerResult> {
  const url = kindUrl(base, kind);
  const samples: number[] = [];
  const d1: number[] = [];
  const rowsRead: number[] = [];
  let total = -1;
  let ids: string[] = [];
  const get = async () => {
    const res = await timedGet(url, headers, REQUEST_TIMEOUT_MS);
    if (res.status !== 200) throw new Error(`GET ${url} -> ${res.status}: ${res.body.slice(0, 500)}`);
    return res;
  };
  try {
    let start = performance.now();
    for (let i = 0; i < WARMUP && performance.now() - start < BUDGET_MS / 4; i++) await get();
    start = performance.now();
    while (samples.length < runs && (samples.length === 0 || performance.now() - start < BUDGET_MS)) {
      const res = await get();
      samples.push(res.ms);
      rowsRead.push(Number(res.headers.get("x-d1-rows-read") ?? Number.NaN));
      const timing = SERVER_TIMING_D1.exec(res.headers.get("server-timing") ?? "");
      if (timing) d1.push(Number(timing[1]));
      const body = JSON.parse(res.body) as { total_count: number; contacts: { id: string }[] };
      total = body.total_count;
      ids = body.contacts.map((c) => c.id);
    }
  } catch (err) {
    if (err instanceof RequestTimeout) return { samples: [], d1: [], rowsRead: [], total: -1, ids: [], timedOut: true };
    throw err;
  }
  return { samples, d1, rowsRead, total, ids, timedOut: false };
}

export function verdict(r: KindResult) {
  const w = summarize(r.worker.samples);
  const d1 = summarize(r.worker.d1);
  const s = summarize(r.cli.samples);
  const rows = Math.max(...r.worker.rowsRead);
  const ratio = w.p95 / s.p95;
  const d1Ratio = d1.p95 / s.p95;
  const fails: string[] = [];
  if (r.worker.timedOut) {
    return { w, d1, s, rows, ratio, d1Ratio, fails: [`p95>${TARGETS.p95Ms}ms`, `ratio>${TARGETS.ratio}`, "rows?", `timeout>${REQUEST_TIMEOUT_MS / 1000}s`] };
  }
  if (!(w.p95 <= TARGETS.p95Ms)) fails.push(`p95>${TARGETS.p95Ms}ms`);
  if (!(ratio <= TARGETS.ratio)) fails.push(`ratio>${TARGETS.ratio}`);
  if (!(rows <= TARGETS.rowsRead)) fails.push(`rows>${TARGETS.rowsRead / 1000}k`);
  return { w, d1, s, rows, ratio, d1Ratio, fails };
}

/**
 * Local D1 reports meta.duration in whole milliseconds (workerd's clock), summed over the list
 * statements: below this D1 p95 the D1/sqlite3 ratio is shown in parentheses, as not meaningful.
 */
export const D1_RESOLUTION_FLOOR_MS = 3;

/** sqlite3 p50 of each statement of a kind, e.g. "page 0.05 + count 60.12 + org total 0.01 ms". */
export function statementSplit(r: KindResult): string {
  return `${r.cli.statements.map((st, k) => `${st.label} ${ms(summarize(r.cli.perStatement[k] ?? []).p50, 2)}`).join(" + ")} ms`;
}

export function report(results: KindResult[]): { text: string; failed: KindResult[] } {
  const failed: KindResult[] = [];
  const withD1 = results.some((r) => r.worker.d1.length > 0);
  const rows = results.map((r) => {
    const v = verdict(r);
    if (v.fails.length) failed.push(r);
    const timeout = `>${REQUEST_TIMEOUT_MS}`;
    const out = [
      r.kind.name,
      r.worker.timedOut ? timeout : ms(v.w.p50),
      r.worker.timedOut ? timeout : ms(v.w.p95),
      ...(withD1 ? [ms(v.d1.p50, 2), ms(v.d1.p95, 2)] : []),
      ms(v.s.p50, 2),
      ms(v.s.p95, 2),
      r.worker.timedOut ? "-" : `${v.ratio.toFixed(1)}x`,
      ...(withD1 ? [!Number.isFinite(v.d1Ratio) ? "-" : v.d1.p95 < D1_RESOLUTION_FLOOR_MS ? `(${v.d1Ratio.toFixed(1)}x)` : `${v.d1Ratio.toFixed(2)}x`] : []),
      r.worker.timedOut ? "?" : String(v.rows),
      r.worker.timedOut ? "?" : String(r.worker.total),
      `${r.worker.samples.length}/${r.cli.samples.length}`,
      r.load.toFixed(1),
      v.fails.length ? `FAIL ${v.fails.join(" ")}` : "PASS",
    ];
    return out;
  });
  const header = [
    "kind",
    "worker p50",
    "worker p95",
    ...(withD1 ? ["D1 p50", "D1 p95"] : []),
    "sqlite3 p50",
    "sqlite3 p95",
    "ratio p95",
    ...(withD1 ? ["D1/sqlite3 p95"] : []),
    "rows_read",
    "total",
    "n w/s",
    "load",
    "vs targets",
  ];
  return { text: table(header, rows), failed };
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
    const distinctRows = new Set(r.worker.rowsRead);
    if (distinctRows.size > 1) out.push(`${name}: rows_read varied (${[...distinctRows].join(", ")})`);
    if (r.kind.route === "list" && r.worker.d1.length < r.worker.samples.length) {
      out.push(`${name}: ${r.worker.samples.length - r.worker.d1.length} responses had no server-timing d1;dur`);
    }
    const perRunGap = (r.cli.realTotal - r.cli.cpuTotal) / r.cli.samples.length;
    if (perRunGap > 1) {
      out.push(`${name}: sqlite3 waited ${perRunGap.toFixed(1)} ms/run beyond its CPU time (busy machine?)`);
    }
  }
  return out;
}
