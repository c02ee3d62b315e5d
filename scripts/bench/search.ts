/**
 * The list+search section: each query kind is timed through the running Worker
 * (GET /api/contacts/list) and, as the same SQL, through the sqlite3 shell on the same file.
 */
import type { Sort } from "../../worker/contacts/schemas";
import { listQueries } from "../../worker/contacts/search";
import { type Dataset, frequencies } from "./data";
import { compile, queryRows, timeStatements } from "./sqlite";
import { ms, summarize, table } from "./stats";
import { RequestTimeout, timedGet } from "./worker";

export const TARGETS = { p95Ms: 25, ratio: 2, rowsRead: 25_000 };
/** A list request slower than this is abandoned; the caller must restart the Worker (D1 is still busy). */
export const REQUEST_TIMEOUT_MS = 10_000;

export interface QueryKind {
  name: string;
  /** What the value stands for, printed under the table. */
  note: string;
  search?: string;
  sort: Sort;
  tagIds: string[];
  page: number;
}

const PAGE_SIZE = 25;

function nationalFormat(national: string): string {
  return `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`;
}

/** Query kinds, with values taken from the generated data so each one hits what it claims. */
export function queryKinds(data: Dataset): QueryKind[] {
  const n = data.contacts.length;
  const firsts = frequencies(data.contacts.map((c) => c.firstName));
  const lasts = frequencies(data.contacts.map((c) => c.lastName));
  const [commonFirst, commonFirstCount] = firsts[0] ?? ["James", 0];
  const [commonLast, commonLastCount] = lasts[0] ?? ["Smith", 0];
  const [rareLast, rareLastCount] = lasts[lasts.length - 1] ?? ["Okonkwo", 0];
  const share = (k: number) => `${((100 * k) / n).toFixed(1)}% of contacts`;

  const withPhone = data.contacts.slice(Math.floor(n * 0.37)).find((c) => c.phones.length > 0);
  const national = withPhone?.phones[0]?.nationalDigits ?? "5551234567";
  const withEmail = data.contacts
    .slice(Math.floor(n * 0.61))
    .find((c) => c.emails.some((e) => e.email.startsWith(`${c.firstName.toLowerCase()}.`)));
  const email = withEmail?.emails.find((e) => e.email.includes("."))?.email ?? "mary.johnson@gmail.com";
  const emailFragment = email.slice(0, email.indexOf(".") + 4);
  const tagUse = frequencies(data.contacts.flatMap((c) => c.tagIds));
  const tagName = (id: string | undefined) => data.tags.find((t) => t.id === id)?.name ?? "?";
  const [bigTag, bigTagCount] = tagUse[0] ?? ["", 0];
  const [smallTag, smallTagCount] = tagUse[tagUse.length - 1] ?? ["", 0];
  const tagIds = bigTag ? [bigTag] : [];

  const kinds: QueryKind[] = [
    { name: "common first name", note: `"${commonFirst.toLowerCase()}", first name of ${share(commonFirstCount)}`, search: commonFirst.toLowerCase(), sort: "recently_added", tagIds: [], page: 0 },
    { name: "common last name", note: `"${commonLast.toLowerCase()}", last name of ${share(commonLastCount)}`, search: commonLast.toLowerCase(), sort: "name_asc", tagIds: [], page: 0 },
    { name: "rare name", note: `"${rareLast.toLowerCase()}", last name of ${rareLastCount} contacts`, search: rareLast.toLowerCase(), sort: "recently_added", tagIds: [], page: 0 },
    { name: "full name", note: `"${commonFirst} ${commonLast}" (two FTS terms)`, search: `${commonFirst} ${commonLast}`, sort: "recently_added", tagIds: [], page: 0 },
    { name: "phone last 4", note: `"${national.slice(6)}"`, search: national.slice(6), sort: "recently_added", tagIds: [], page: 0 },
    { name: "phone fragment", note: `"${nationalFormat(national).slice(0, 12)}" as typed`, search: nationalFormat(national).slice(0, 12), sort: "recently_added", tagIds: [], page: 0 },
    { name: "phone full", note: `"${nationalFormat(national)}" national format`, search: nationalFormat(national), sort: "recently_added", tagIds: [], page: 0 },
    { name: "email fragment", note: `"${emailFragment}" (from ${email})`, search: emailFragment, sort: "recently_added", tagIds: [], page: 0 },
    { name: "company fragment", note: `"logist" (… Logistics)`, search: "logist", sort: "name_asc", tagIds: [], page: 0 },
    { name: "2-char prefix", note: `"${commonFirst.slice(0, 2).toLowerCase()}" (sort_name range, no FTS)`, search: commonFirst.slice(0, 2).toLowerCase(), sort: "name_asc", tagIds: [], page: 0 },
    { name: "empty recently_added", note: "no search", sort: "recently_added", tagIds: [], page: 0 },
    { name: "empty name_asc", note: "no search", sort: "name_asc", tagIds: [], page: 0 },
    { name: "empty last_contacted_at", note: "no search", sort: "last_contacted_at", tagIds: [], page: 0 },
    { name: "tag filter", note: `tag "${tagName(bigTag)}" on ${share(bigTagCount)}`, sort: "recently_added", tagIds, page: 0 },
    { name: "rare tag filter", note: `tag "${tagName(smallTag)}" on ${share(smallTagCount)}`, sort: "recently_added", tagIds: smallTag ? [smallTag] : [], page: 0 },
    { name: "common name + tag", note: `"${commonFirst.toLowerCase()}" and tag "${tagName(bigTag)}"`, search: commonFirst.toLowerCase(), sort: "recently_added", tagIds, page: 0 },
    { name: "deep page", note: `empty search, name_asc, page 400 (offset ${400 * PAGE_SIZE})`, sort: "name_asc", tagIds: [], page: 400 },
  ];
  return kinds;
}

export function statementsFor(kind: QueryKind, organizationId: string): { page: string; count: string } {
  const { page, count } = listQueries({
    organizationId,
    search: kind.search,
    sort: kind.sort,
    tagIds: kind.tagIds,
    page: kind.page,
    pageSize: PAGE_SIZE,
  });
  return { page: compile(page), count: compile(count) };
}

export function listUrl(base: string, kind: QueryKind): string {
  const params = new URLSearchParams({ sort: kind.sort, page: String(kind.page), page_size: String(PAGE_SIZE) });
  if (kind.search !== undefined) params.set("search", kind.search);
  if (kind.tagIds.length) params.set("tag_ids", kind.tagIds.join(","));
  return `${base}/api/contacts/list?${params}`;
}

export interface CliResult {
  /** Per iteration: page + count statements, ms. */
  samples: number[];
  /** Sum of wall time over all iterations vs sum of CPU time, to check CPU time ≈ wall time. */
  realTotal: number;
  cpuTotal: number;
  ids: string[];
  total: number;
}

/** Per query kind: stop timing after this long, so one pathological plan cannot stall the run. */
const BUDGET_MS = 20_000;
/** The CLI's estimate includes two sqlite3 process starts, so it gets more room. */
const CLI_BUDGET_MS = 60_000;
const WARMUP = 5;

export async function measureCli(file: string, kind: QueryKind, organizationId: string, runs: number): Promise<CliResult> {
  const { page, count } = statementsFor(kind, organizationId);
  const start = performance.now();
  const ids = (await queryRows<{ id: string }>(file, page)).map((r) => r.id);
  const total = Number((await queryRows<{ n: number }>(file, count))[0]?.n ?? 0);
  const once = performance.now() - start;
  const iterations = Math.max(1, Math.min(runs, Math.floor(CLI_BUDGET_MS / once)));
  const warmup = iterations < runs ? 1 : WARMUP;
  const timing = await timeStatements(file, [page, count], iterations, warmup);
  return {
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

export interface WorkerResult {
  samples: number[];
  rowsRead: number[];
  total: number;
  ids: string[];
  /** A request exceeded REQUEST_TIMEOUT_MS: no figures, and the Worker's D1 is still busy. */
  timedOut: boolean;
}

export async function measureWorker(base: string, headers: Record<string, string>, kind: QueryKind, runs: number): Promise<WorkerResult> {
  const url = listUrl(base, kind);
  const samples: number[] = [];
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
      const body = JSON.parse(res.body) as { total_count: number; contacts: { id: string }[] };
      total = body.total_count;
      ids = body.contacts.map((c) => c.id);
    }
  } catch (err) {
    if (err instanceof RequestTimeout) return { samples: [], rowsRead: [], total: -1, ids: [], timedOut: true };
    throw err;
  }
  return { samples, rowsRead, total, ids, timedOut: false };
}

export interface KindResult {
  kind: QueryKind;
  worker: WorkerResult;
  cli: CliResult;
}

export function verdict(r: KindResult) {
  const w = summarize(r.worker.samples);
  const s = summarize(r.cli.samples);
  const rows = Math.max(...r.worker.rowsRead);
  const ratio = w.p95 / s.p95;
  const fails: string[] = [];
  if (r.worker.timedOut) return { w, s, rows, ratio, fails: [`p95>${TARGETS.p95Ms}ms`, `ratio>${TARGETS.ratio}`, "rows?", `timeout>${REQUEST_TIMEOUT_MS / 1000}s`] };
  if (!(w.p95 <= TARGETS.p95Ms)) fails.push(`p95>${TARGETS.p95Ms}ms`);
  if (!(ratio <= TARGETS.ratio)) fails.push(`ratio>${TARGETS.ratio}`);
  if (!(rows <= TARGETS.rowsRead)) fails.push(`rows>${TARGETS.rowsRead / 1000}k`);
  return { w, s, rows, ratio, fails };
}

export function report(results: KindResult[]): { text: string; failed: KindResult[] } {
  const failed: KindResult[] = [];
  const rows = results.map((r) => {
    const v = verdict(r);
    if (v.fails.length) failed.push(r);
    const timeout = `>${REQUEST_TIMEOUT_MS}`;
    return [
      r.kind.name,
      r.worker.timedOut ? timeout : ms(v.w.p50),
      r.worker.timedOut ? timeout : ms(v.w.p95),
      ms(v.s.p50, 2),
      ms(v.s.p95, 2),
      r.worker.timedOut ? "-" : `${v.ratio.toFixed(1)}x`,
      r.worker.timedOut ? "?" : String(v.rows),
      r.worker.timedOut ? "?" : String(r.worker.total),
      `${r.worker.samples.length}/${r.cli.samples.length}`,
      v.fails.length ? `FAIL ${v.fails.join(" ")}` : "PASS",
    ];
  });
  const header = ["kind", "worker p50", "worker p95", "sqlite3 p50", "sqlite3 p95", "ratio p95", "rows_read", "total", "n w/s", "vs targets"];
  return { text: table(header, rows), failed };
}

/** Sanity checks: the Worker and the CLI must have answered the same question. */
export function mismatches(results: KindResult[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    if (r.worker.timedOut) {
      out.push(`${r.kind.name}: a request through the Worker took over ${REQUEST_TIMEOUT_MS / 1000} s; abandoned, Worker restarted`);
      continue;
    }
    if (r.worker.total !== r.cli.total) out.push(`${r.kind.name}: total ${r.worker.total} (worker) vs ${r.cli.total} (sqlite3)`);
    if (r.worker.ids.join() !== r.cli.ids.join()) out.push(`${r.kind.name}: page ids differ between worker and sqlite3`);
    const distinctRows = new Set(r.worker.rowsRead);
    if (distinctRows.size > 1) out.push(`${r.kind.name}: rows_read varied (${[...distinctRows].join(", ")})`);
    const perRunGap = (r.cli.realTotal - r.cli.cpuTotal) / r.cli.samples.length;
    if (perRunGap > 1) {
      out.push(`${r.kind.name}: sqlite3 waited ${perRunGap.toFixed(1)} ms/run beyond its CPU time (busy machine?)`);
    }
  }
  return out;
}
