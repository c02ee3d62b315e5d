/**
 * The resolve section: throughput and latency of POST /api/contacts/resolve through the running
 * Worker at several concurrencies, for a hot known number and for all-new numbers, next to the
 * no-op GET /api/health measured in the same run (interleaved, per concurrency), then:
 *   - a same-number burst (many concurrent resolves of one new number: exactly one may create),
 *   - the mixed run: hot known resolves while two clients loop a common-name search,
 *   - the baseline: a bare Worker doing one atomic D1 batch per request (batch-worker.js, the
 *     app's own resolveInD1), measured the same way, after the app's Worker is stopped.
 *
 * Load is closed-loop: `concurrency` clients, each with its own keep-alive connection, send the
 * next request when the previous answer has been read, for a fixed duration after a warm-up.
 */
import { Agent, request } from "node:http";
import { readFileSync, rmSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { loadavg } from "node:os";
import { runSqlite, sqlString } from "./sqlite";
import { percentile, ms, table } from "./stats";
import { buildWorker } from "./worker";

export const RESOLVE_TARGETS = { hotVsNoop: 0.85, newVsBatch: 1, loadedVsUnloaded: 0.5 };
const REQUEST_TIMEOUT_MS = 10_000;

export interface LoadResult {
  scenario: string;
  concurrency: number;
  completed: number;
  errors: number;
  firstError?: string;
  elapsedMs: number;
  rps: number;
  p50: number;
  p99: number;
  load: number;
}

interface Reply {
  status: number;
  body: string;
}

function send(agent: Agent, url: URL, method: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        agent,
        method,
        headers: body === undefined ? headers : { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${url.pathname} took over ${REQUEST_TIMEOUT_MS} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

export interface LoadSpec {
  scenario: string;
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  /** The body of the next request (called once per request). */
  body?: () => string;
  /** Checks one answer; returns what is wrong with it, or undefined. */
  check?: (reply: Reply, sent: string | undefined) => string | undefined;
  /** A request got no usable answer (non-200 or a network error). */
  onFailure?: (sent: string | undefined) => void;
  concurrency: number;
}

/**
 * Closed-loop load for one scenario: `concurrency` clients, each sending its next request when
 * the previous answer has been read, over keep-alive connections that persist across slices. A
 * scenario is run in several slices interleaved with other scenarios, so that scenarios compared
 * with each other share the machine's background load; its figures add up over the slices.
 */
export class Scenario {
  private readonly agent: Agent;
  private readonly url: URL;
  private readonly latencies: number[] = [];
  private readonly loads: number[] = [];
  private completed = 0;
  private elapsedMs = 0;
  private errors = 0;
  private firstError: string | undefined;

  constructor(readonly spec: LoadSpec) {
    this.agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
    this.url = new URL(spec.url);
  }

  /** Runs the clients for `durationMs`; with record=false (warm-up) nothing is counted. */
  async run(durationMs: number, record = true): Promise<void> {
    const { spec } = this;
    const start = performance.now();
    const until = start + durationMs;
    let completed = 0;
    const client = async () => {
      while (performance.now() < until) {
        const body = spec.body?.();
        const t = performance.now();
        try {
          const reply = await send(this.agent, this.url, spec.method ?? "GET", spec.headers ?? {}, body);
          if (reply.status !== 200) spec.onFailure?.(body);
          const problem = reply.status !== 200 ? `${reply.status}: ${reply.body.slice(0, 300)}` : spec.check?.(reply, body);
          if (problem) {
            if (record) this.errors++;
            if (record) this.firstError ??= problem;
          } else {
            completed++;
            if (record) this.latencies.push(performance.now() - t);
          }
        } catch (err) {
          spec.onFailure?.(body);
          if (record) this.errors++;
          if (record) this.firstError ??= err instanceof Error ? err.message : String(err);
        }
      }
    };
    await Promise.all(Array.from({ length: spec.concurrency }, client));
    if (record) {
      this.completed += completed;
      this.elapsedMs += performance.now() - start;
      this.loads.push(loadavg()[0] ?? 0);
    }
  }

  result(): LoadResult {
    return {
      scenario: this.spec.scenario,
      concurrency: this.spec.concurrency,
      completed: this.completed,
      errors: this.errors,
      firstError: this.firstError,
      elapsedMs: this.elapsedMs,
      rps: this.elapsedMs > 0 ? (this.completed / this.elapsedMs) * 1000 : Number.NaN,
      p50: percentile(this.latencies, 50),
      p99: percentile(this.latencies, 99),
      load: this.loads.length ? Math.max(...this.loads) : Number.NaN,
    };
  }

  close() {
    this.agent.destroy();
  }
}

/**
 * Runs the scenarios interleaved: each warms up once (`warmupMs`), then `rounds` rounds in which
 * every scenario runs for durationMs / rounds. `before` runs before each scenario's slice
 * (e.g. starts background load) and `after` after it.
 */
export async function interleave(
  scenarios: Scenario[],
  opts: { durationMs: number; rounds: number; warmupMs: number; before?: (s: Scenario) => Promise<void>; after?: (s: Scenario) => Promise<void> },
): Promise<LoadResult[]> {
  try {
    for (const s of scenarios) {
      await opts.before?.(s);
      await s.run(opts.warmupMs, false);
      await opts.after?.(s);
    }
    for (let r = 0; r < opts.rounds; r++) {
      for (const s of scenarios) {
        await opts.before?.(s);
        await s.run(opts.durationMs / opts.rounds);
        await opts.after?.(s);
      }
    }
    return scenarios.map((s) => s.result());
  } finally {
    for (const s of scenarios) s.close();
  }
}

/**
 * Phone numbers no contact of the data has: +1 212 7xx xxxx upwards, skipping the data's own.
 * Each run starts from the same place: the bench deletes the stubs it created when it ends.
 */
export class FreshNumbers {
  private next = 2127000000;
  issued = 0;
  constructor(private readonly taken: Set<string>) {}
  take(): string {
    for (;;) {
      const e164 = `+1${this.next++}`;
      if (!this.taken.has(e164)) {
        this.issued++;
        return e164;
      }
    }
  }
}

interface ResolveReply {
  contact_id: string | null;
  created: boolean;
}

/** Client-side record of what the resolves answered, checked against the database afterwards. */
export class Ledger {
  /** number -> contact ids answered for it, and how many answers said created. */
  readonly byNumber = new Map<string, { ids: Set<string>; created: number }>();
  createdAnswers = 0;
  /** Requests for a new number that got no answer: each may or may not have created its stub. */
  lost = 0;
  record(phone: string, reply: ResolveReply) {
    const entry = this.byNumber.get(phone) ?? { ids: new Set<string>(), created: 0 };
    if (reply.contact_id) entry.ids.add(reply.contact_id);
    if (reply.created) {
      entry.created++;
      this.createdAnswers++;
    }
    this.byNumber.set(phone, entry);
  }
  /** Numbers answered with more than one contact id, or created more than once. */
  conflicts(): string[] {
    return [...this.byNumber].filter(([, e]) => e.ids.size > 1 || e.created > 1).map(([n]) => n);
  }
}

const phoneOf = (sent: string | undefined) => (JSON.parse(sent ?? "{}") as { phone?: string }).phone ?? "";

export interface ResolveTarget {
  /** e.g. "resolve" (the app) or "one D1 batch" (batch-worker.js). */
  label: string;
  url: string;
  headers: Record<string, string>;
}

export function hotSpec(target: ResolveTarget, hot: { phone: string; contactId: string }, concurrency: number): LoadSpec {
  return {
    scenario: `${target.label}: hot known number`,
    url: target.url,
    method: "POST",
    headers: target.headers,
    body: () => JSON.stringify({ phone: hot.phone }),
    check: (reply) => {
      const r = JSON.parse(reply.body) as ResolveReply;
      return r.contact_id === hot.contactId && !r.created ? undefined : `hot number answered ${reply.body}`;
    },
    concurrency,
  };
}

export function newSpec(target: ResolveTarget, fresh: FreshNumbers, ledger: Ledger, concurrency: number): LoadSpec {
  return {
    scenario: `${target.label}: all-new numbers`,
    url: target.url,
    method: "POST",
    headers: target.headers,
    body: () => JSON.stringify({ phone: fresh.take() }),
    check: (reply, sent) => {
      const r = JSON.parse(reply.body) as ResolveReply;
      ledger.record(phoneOf(sent), r);
      return r.contact_id && r.created ? undefined : `new number answered ${reply.body}`;
    },
    onFailure: () => ledger.lost++,
    concurrency,
  };
}

/**
 * `numbers` brand-new numbers, each resolved by `width` concurrent requests at once: every
 * answer for a number must name the same contact, and exactly one may say created.
 */
export async function sameNumberBurst(target: ResolveTarget, fresh: FreshNumbers, ledger: Ledger, numbers: number, width: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: width });
  const url = new URL(target.url);
  let errors = 0;
  let firstError: string | undefined;
  const perNumber: { created: number; ids: number }[] = [];
  try {
    for (let i = 0; i < numbers; i++) {
      const phone = fresh.take();
      const body = JSON.stringify({ phone });
      const replies = await Promise.all(
        Array.from({ length: width }, () =>
          send(agent, url, "POST", target.headers, body).catch((err: unknown) => ({ status: 0, body: String(err) })),
        ),
      );
      const ids = new Set<string>();
      let created = 0;
      for (const reply of replies) {
        if (reply.status !== 200) {
          errors++;
          ledger.lost++;
          firstError ??= `${reply.status}: ${reply.body.slice(0, 300)}`;
          continue;
        }
        const r = JSON.parse(reply.body) as ResolveReply;
        ledger.record(phone, r);
        if (r.contact_id) ids.add(r.contact_id);
        if (r.created) created++;
      }
      perNumber.push({ created, ids: ids.size });
    }
  } finally {
    agent.destroy();
  }
  const bad = perNumber.filter((p) => p.created !== 1 || p.ids !== 1).length;
  return { numbers, width, bad, errors, firstError };
}

/** Background load: `clients` sequential clients looping GET `url` between start() and stop(). */
export class BackgroundLoop {
  private readonly agent: Agent;
  private readonly target: URL;
  readonly latencies: number[] = [];
  errors = 0;
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    url: string,
    private readonly headers: Record<string, string>,
    private readonly clients: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: clients });
    this.target = new URL(url);
  }

  start() {
    this.running = true;
    this.loops = Array.from({ length: this.clients }, async () => {
      while (this.running) {
        const t = performance.now();
        try {
          const reply = await send(this.agent, this.target, "GET", this.headers);
          if (reply.status === 200) this.latencies.push(performance.now() - t);
          else this.errors++;
        } catch {
          this.errors++;
        }
      }
    });
  }

  async stop() {
    this.running = false;
    await Promise.all(this.loops);
  }

  summary() {
    return { completed: this.latencies.length, errors: this.errors, p50: percentile(this.latencies, 50), p95: percentile(this.latencies, 95) };
  }

  close() {
    this.agent.destroy();
  }
}

/**
 * A wrangler config for batch-worker.js with the app's D1 binding and database_id, bundled once.
 * It runs next to the app's Worker (so the two can be measured interleaved) with its own
 * --persist-to holding a copy of the bench database (see copyDatabase): the same data and
 * indexes, but its own SQLite file and its own D1 object, idle while the app is measured.
 */
export async function buildBatchWorker(root: string, stateDir: string): Promise<{ config: string; script: string }> {
  const appConfig = readFileSync(join(root, "wrangler.toml"), "utf8");
  const field = (name: string) => {
    const m = new RegExp(`^${name}\\s*=\\s*"([^"]+)"`, "m").exec(appConfig);
    if (!m?.[1]) throw new Error(`wrangler.toml has no ${name}`);
    return m[1];
  };
  const dir = join(stateDir, "batch-worker");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const config = join(dir, "wrangler.toml");
  writeFileSync(
    config,
    `# Generated by scripts/bench/resolve.ts: the resolve baseline (one D1 batch per request).
name = "contacts-bench-batch"
main = ${JSON.stringify(join(root, "scripts/bench/batch-worker.js"))}
compatibility_date = "${field("compatibility_date")}"
compatibility_flags = ["nodejs_compat"]

[[d1_databases]]
binding = "DB"
database_name = "${field("database_name")}"
database_id = "${field("database_id")}"

[[durable_objects.bindings]]
name = "PINGER"
class_name = "Pinger"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["Pinger"]
`,
  );
  const script = await buildWorker(root, join(dir, "build"), config);
  return { config, script };
}

/**
 * A consistent copy (sqlite3 .backup) of the bench database under `persistTo`, at the path
 * local D1 uses for the same database_id. Run while no Worker has the file open.
 */
export async function copyDatabase(file: string, persistTo: string): Promise<string> {
  const dir = join(persistTo, "v3/d1/miniflare-D1DatabaseObject");
  rmSync(persistTo, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const copy = join(dir, basename(file));
  await runSqlite(file, `.backup ${sqlString(copy)}\n`);
  return copy;
}

export interface ResolveReport {
  rows: LoadResult[];
  noop: Map<number, LoadResult>;
  hot: Map<number, LoadResult>;
  fresh: Map<number, LoadResult>;
  batch: Map<number, LoadResult>;
  /** The bare Worker calling an empty Durable Object method: the cost of one DO call. */
  doCall: Map<number, LoadResult>;
  /** The bare Worker running the one D1 batch inside a Durable Object: the floor of any DO design. */
  batchInDo: Map<number, LoadResult>;
  bareNoop: Map<number, LoadResult>;
  /** Hot resolves alone and while 2 clients loop a search, interleaved. */
  mixed?: {
    unloaded: LoadResult;
    loaded: LoadResult;
    /** The no-op route alone and under the same search load: the most any route keeps. */
    noopUnloaded: LoadResult;
    noopLoaded: LoadResult;
    search: { completed: number; errors: number; p50: number; p95: number };
  };
  bursts: { label: string; numbers: number; width: number; bad: number; errors: number; firstError?: string }[];
  integrity?: Integrity;
  /** The same checks on the baseline Worker's copy of the database. */
  batchIntegrity?: Integrity;
}

export interface Integrity {
    duplicates: number;
    orphans: number;
    stubsCreated: number;
    stubPhones: number;
    createdAnswers: number;
    lostAnswers: number;
    ledgerConflicts: number;
    statsCount: number;
    contacts: number;
}

const ratio = (a: LoadResult | undefined, b: LoadResult | undefined) => (a && b && b.rps > 0 ? a.rps / b.rps : Number.NaN);
const x = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}x` : "-");

export function resolveTable(r: ResolveReport): string {
  const reference = (row: LoadResult): string => {
    if (row === r.mixed?.loaded) return `${x(ratio(row, r.mixed.unloaded))} of alone`;
    if (row === r.mixed?.noopLoaded) return `${x(ratio(row, r.mixed.noopUnloaded))} of alone`;
    if (row === r.mixed?.unloaded || row === r.mixed?.noopUnloaded) return "";
    if (row.scenario.startsWith("resolve: hot")) return `${x(ratio(row, r.noop.get(row.concurrency)))} of no-op`;
    if (row.scenario.startsWith("resolve: all-new")) {
      return `${x(ratio(row, r.batch.get(row.concurrency)))} of 1 batch, ${x(ratio(row, r.batchInDo.get(row.concurrency)))} of batch in DO`;
    }
    if (row.scenario.startsWith("one D1 batch in a Durable Object")) return `${x(ratio(row, r.batch.get(row.concurrency)))} of 1 batch`;
    if (row.scenario.startsWith("one D1 batch") || row.scenario.startsWith("empty Durable Object")) return `${x(ratio(row, r.bareNoop.get(row.concurrency)))} of bare no-op`;
    return "";
  };
  return table(
    ["scenario", "c", "requests", "req/s", "p50 ms", "p99 ms", "errors", "vs reference", "load"],
    r.rows.map((row) => [
      row.scenario,
      String(row.concurrency),
      String(row.completed),
      row.rps.toFixed(0),
      ms(row.p50),
      ms(row.p99),
      row.errors ? `${row.errors} (${(row.firstError ?? "").slice(0, 60)})` : "0",
      reference(row),
      row.load.toFixed(1),
    ]),
  );
}

/**
 * Where a resolve's time goes, from median latencies at the lowest concurrency (one request at a
 * time, so a median is the cost of one request; medians, because 1-minute-load hiccups on a shared
 * machine move means and tails): each Worker's own no-op is subtracted from its routes.
 */
export function breakdown(r: ResolveReport, concurrencies: number[]): string[] {
  const c = Math.min(...concurrencies);
  const p = (m: Map<number, LoadResult>) => m.get(c)?.p50 ?? Number.NaN;
  const [noop, hot, fresh, bareNoop, doCall, batch] = [p(r.noop), p(r.hot), p(r.fresh), p(r.bareNoop), p(r.doCall), p(r.batch)];
  const hopCost = doCall - bareNoop;
  const batchCost = batch - bareNoop;
  return [
    `at c=${c}, medians: app no-op ${ms(noop, 2)} ms, bare Worker no-op ${ms(bareNoop, 2)} ms`,
    `bare Worker: one empty Durable Object call +${ms(hopCost, 2)} ms over its no-op; one D1 batch (new number) +${ms(batchCost, 2)} ms`,
    `hot resolve (answered from the isolate's lease, or from the Durable Object's memory when the lease ran out): +${ms(hot - noop, 2)} ms over the app's no-op`,
    `new-number resolve: +${ms(fresh - noop, 2)} ms over the app's no-op, of which the Durable Object call ~${ms(hopCost, 2)}, the batch ~${ms(batchCost, 2)} and the rest (validation, parsing, lease) ~${ms(fresh - noop - hopCost - batchCost, 2)}`,
  ];
}

/** Target lines for the summary: [label, pass, detail]. */
export function resolveVerdicts(r: ResolveReport, concurrencies: number[]): [string, boolean, string][] {
  const out: [string, boolean, string][] = [];
  const top = Math.max(...concurrencies);
  const hotTop = ratio(r.hot.get(top), r.noop.get(top));
  out.push([`hot known at c=${top} >= ${RESOLVE_TARGETS.hotVsNoop} of no-op throughput`, hotTop >= RESOLVE_TARGETS.hotVsNoop, x(hotTop)]);
  if (r.batch.size) {
    const parts = concurrencies.map((c) => [c, ratio(r.fresh.get(c), r.batch.get(c))] as const);
    out.push([
      "all-new numbers >= one atomic D1 batch per resolve (each c)",
      parts.every(([, v]) => v >= RESOLVE_TARGETS.newVsBatch),
      parts.map(([c, v]) => `c=${c} ${x(v)}`).join(", ") +
        ` (the same batch inside an empty Durable Object, bare Worker: ${concurrencies.map((c) => `c=${c} ${x(ratio(r.batchInDo.get(c), r.batch.get(c)))}`).join(", ")} of it)`,
    ]);
  }
  if (r.mixed) {
    const v = ratio(r.mixed.loaded, r.mixed.unloaded);
    out.push([
      `hot known at c=${r.mixed.loaded.concurrency} while 2 clients search >= ${RESOLVE_TARGETS.loadedVsUnloaded} of alone`,
      v >= RESOLVE_TARGETS.loadedVsUnloaded,
      `${x(v)} (the no-op route under the same load: ${x(ratio(r.mixed.noopLoaded, r.mixed.noopUnloaded))} of alone)`,
    ]);
  }
  for (const [label, i] of [
    ["resolve", r.integrity],
    ["one-batch baseline (its copy of the database)", r.batchIntegrity],
  ] as const) {
    if (!i) continue;
    out.push([`${label}: duplicate phone rows = 0`, i.duplicates === 0, String(i.duplicates)]);
    out.push([`${label}: orphan inbound_call stubs (no phone) = 0`, i.orphans === 0, String(i.orphans)]);
    out.push([
      `${label}: stubs in D1 = created answers (+ at most the requests whose answer was lost), one per number`,
      i.stubsCreated >= i.createdAnswers && i.stubsCreated <= i.createdAnswers + i.lostAnswers && i.stubPhones === i.stubsCreated && i.ledgerConflicts === 0,
      `${i.stubsCreated} stubs / ${i.stubPhones} phones / ${i.createdAnswers} created answers / ${i.lostAnswers} lost answers / ${i.ledgerConflicts} numbers with >1 id or >1 created`,
    ]);
  }
  for (const b of r.bursts) {
    out.push([`${b.label}: ${b.width} concurrent resolves of one new number create exactly one contact`, b.bad === 0 && b.errors === 0, `${b.bad}/${b.numbers} numbers wrong, ${b.errors} errors`]);
  }
  return out;
}
