/**
 * The resolve section: throughput and latency of POST /api/contacts/resolve through the running
 * Worker at several concurrencies, for known callers (10,000 distinct numbers of loaded contacts,
 * Zipf-distributed) and for all-new numbers, next to the no-op GET /api/health and the reference
 * row, one empty Durable Object call from a bare Worker (bare-worker.js), all measured in the same
 * run, interleaved per concurrency; then:
 *   - a same-number burst (many concurrent resolves of one new number: exactly one may create),
 *   - the mixed run: known resolves while two clients loop a common-name search in the same store.
 * The tenants section (tenants.ts) reuses the load machinery here.
 *
 * Load is closed-loop: `concurrency` clients, each with its own keep-alive connection, send the
 * next request when the previous answer has been read, for a fixed duration after a warm-up.
 */
import { Agent, request } from "node:http";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadavg } from "node:os";
import { CONTEXT, CONTEXT_TARGET } from "./context";
import type { Dataset } from "./data";
import { Random, Zipf } from "./random";
import { inlineParams, runSqlite, sqlString } from "./sqlite";
import { percentile, ms, table } from "./stats";
import { buildWorker } from "./worker";

export const RESOLVE_TARGETS = { knownVsDoCall: 0.9, newVsDoCall: 0.8, loadedVsUnloaded: 0.5 };
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

export interface Reply {
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

/** One request a load client is about to send; `check` gets it back with the answer. */
export interface Outgoing {
  body?: string;
  /** Headers of this request (added to the scenario's). */
  headers?: Record<string, string>;
  /** What the answer must say (e.g. the contact that owns the number). */
  expect?: string;
}

export interface LoadSpec {
  scenario: string;
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  /** The next request (called once per request). */
  next?: () => Outgoing;
  /** Checks one answer; returns what is wrong with it, or undefined. */
  check?: (reply: Reply, sent: Outgoing) => string | undefined;
  /** A request got no usable answer (non-200 or a network error). */
  onFailure?: (sent: Outgoing) => void;
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
        const out = spec.next?.() ?? {};
        const headers = out.headers ? { ...spec.headers, ...out.headers } : (spec.headers ?? {});
        const t = performance.now();
        try {
          const reply = await send(this.agent, this.url, spec.method ?? "GET", headers, out.body);
          if (reply.status !== 200) spec.onFailure?.(out);
          const problem = reply.status !== 200 ? `${reply.status}: ${reply.body.slice(0, 300)}` : spec.check?.(reply, out);
          if (problem) {
            if (record) this.errors++;
            if (record) this.firstError ??= problem;
          } else {
            completed++;
            if (record) this.latencies.push(performance.now() - t);
          }
        } catch (err) {
          spec.onFailure?.(out);
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

export interface KnownCaller {
  phone: string;
  contactId: string;
}

/** How many distinct known callers the known-number runs draw from. */
export const KNOWN_CALLERS = 10_000;

/**
 * Known callers as real traffic looks: KNOWN_CALLERS distinct numbers of loaded contacts (a
 * seeded shuffle), drawn Zipf–Mandelbrot (s = 1, q = 1: the most frequent caller is ~5.6% of
 * the calls, half of them come from the ~120 most frequent), not one number in a loop.
 */
export class KnownCallers {
  private readonly zipf: Zipf<KnownCaller>;
  private readonly rng: Random;
  readonly distinct: number;
  /** The callers, most frequent first. */
  readonly callers: KnownCaller[];

  constructor(data: Dataset, seed: string, count = KNOWN_CALLERS) {
    const rng = new Random(`${seed}/known-callers`);
    const all = data.contacts.flatMap((c) => c.phones.map((p) => ({ phone: p.e164, contactId: c.id })));
    for (let i = all.length - 1; i > 0 && i >= all.length - count; i--) {
      const j = rng.int(0, i);
      [all[i], all[j]] = [all[j] as KnownCaller, all[i] as KnownCaller];
    }
    const chosen = all.slice(Math.max(0, all.length - count));
    this.distinct = chosen.length;
    this.callers = chosen;
    this.zipf = new Zipf(chosen, 1, 1);
    this.rng = rng;
  }

  pick(): KnownCaller {
    return this.zipf.sample(this.rng);
  }
}

interface ResolveReply {
  contact_id: string | null;
  created: boolean;
}

/** Client-side record of what the resolves answered, checked against the store afterwards. */
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

const phoneOf = (sent: Outgoing) => (JSON.parse(sent.body ?? "{}") as { phone?: string }).phone ?? "";

export interface ResolveTarget {
  label: string;
  url: string;
  headers: Record<string, string>;
}

/** Resolves of known callers: each answer must name the contact that owns the number, not created. */
export function knownSpec(target: ResolveTarget, pick: () => KnownCaller & { headers?: Record<string, string> }, concurrency: number, scenario?: string): LoadSpec {
  return {
    scenario: scenario ?? `${target.label}: known callers`,
    url: target.url,
    method: "POST",
    headers: target.headers,
    next: () => {
      const caller = pick();
      return { body: JSON.stringify({ phone: caller.phone }), headers: caller.headers, expect: caller.contactId };
    },
    check: (reply, sent) => {
      const r = JSON.parse(reply.body) as ResolveReply;
      return r.contact_id === sent.expect && !r.created ? undefined : `known number ${phoneOf(sent)} answered ${reply.body}`;
    },
    concurrency,
  };
}

/**
 * The reference call made the way a resolve is: a POST whose JSON body the Worker reads before
 * the same empty Durable Object call. Sending and reading a body is part of every resolve, not
 * of the store; this row says how much of the gap to the GET reference row it is.
 */
export function postedDoCallSpec(url: string, pick: () => KnownCaller, concurrency: number, scenario = "one empty Durable Object call from a POST with a resolve's body (bare Worker)"): LoadSpec {
  return {
    scenario,
    url,
    method: "POST",
    headers: { "content-type": "application/json" },
    next: () => ({ body: JSON.stringify({ phone: pick().phone }) }),
    concurrency,
  };
}

export function newSpec(target: ResolveTarget, fresh: FreshNumbers, ledger: Ledger, concurrency: number): LoadSpec {
  return {
    scenario: `${target.label}: all-new numbers`,
    url: target.url,
    method: "POST",
    headers: target.headers,
    next: () => ({ body: JSON.stringify({ phone: fresh.take() }) }),
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
 * A wrangler config for bare-worker.js (two SQLite Durable Object classes of its own, no D1, no
 * R2), bundled once. It runs next to the app's Worker, so the two are measured interleaved. It is
 * served as the app is: static assets in front, its paths sent to the Worker first
 * (run_worker_first). That hop (workerd's asset router, then the Worker) is part of every app
 * request — ~0.6-0.9 ms locally, about as much as a Durable Object call — so a reference row
 * without it would charge the app for how it is deployed rather than for its code.
 */
export async function buildBareWorker(root: string, stateDir: string): Promise<{ config: string; script: string }> {
  const appConfig = readFileSync(join(root, "wrangler.toml"), "utf8");
  const m = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(appConfig);
  if (!m?.[1]) throw new Error("wrangler.toml has no compatibility_date");
  const dir = join(stateDir, "bare-worker");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const config = join(dir, "wrangler.toml");
  const assets = join(dir, "assets");
  mkdirSync(assets, { recursive: true });
  writeFileSync(join(assets, "index.html"), "<!doctype html><title>bench placeholder</title>\n");
  writeFileSync(
    config,
    `# Generated by scripts/bench/resolve.ts: the bench's bare baseline Worker.
name = "${BARE_WORKER_NAME}"
main = ${JSON.stringify(join(root, "scripts/bench/bare-worker.js"))}
compatibility_date = "${m[1]}"
compatibility_flags = ["nodejs_compat"]

[[durable_objects.bindings]]
name = "EMPTY"
class_name = "EmptyObject"

[[durable_objects.bindings]]
name = "COPY"
class_name = "StoreCopy"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["EmptyObject", "StoreCopy"]

[assets]
directory = ${JSON.stringify(assets)}
binding = "ASSETS"
not_found_handling = "single-page-application"
run_worker_first = ["/*"]
`,
  );
  const script = await buildWorker(root, join(dir, "build"), config);
  return { config, script };
}

export const BARE_WORKER_NAME = "contacts-bench-bare";

export interface ResolveReport {
  rows: LoadResult[];
  noop: Map<number, LoadResult>;
  known: Map<number, LoadResult>;
  fresh: Map<number, LoadResult>;
  /** The bare Worker calling an empty Durable Object method: the reference row. */
  doCall: Map<number, LoadResult>;
  /** The same call from a POST carrying a resolve's body. */
  doCallPost: Map<number, LoadResult>;
  /** The same POST, the object committing one row before it answers: the floor of any write. */
  doWrite: Map<number, LoadResult>;
  bareNoop: Map<number, LoadResult>;
  /** The store's resolveCaller in a bare Durable Object on a copy of the store: the route minus the app's HTTP layers. */
  bareKnown: Map<number, LoadResult>;
  bareFresh: Map<number, LoadResult>;
  /** Known resolves alone and while 2 clients loop a search in the same store, interleaved. */
  mixed?: {
    unloaded: LoadResult;
    loaded: LoadResult;
    /** The no-op route alone and under the same search load: the most any route keeps. */
    noopUnloaded: LoadResult;
    noopLoaded: LoadResult;
    search: { completed: number; errors: number; p50: number; p95: number };
  };
  bursts: { label: string; numbers: number; width: number; bad: number; errors: number; firstError?: string }[];
  /** POST /api/caller-context for callers with a history, and a known resolve of the same callers, interleaved (by c). */
  context: Map<number, { resolve: LoadResult; context: LoadResult }>;
  integrity?: Integrity;
  /** The same SQL in the sqlite3 CLI on a copy of the store file (resolveSqlInCli). */
  cli?: Awaited<ReturnType<typeof resolveSqlInCli>>;
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
  ftsRows: number;
}

export const ratio = (a: LoadResult | undefined, b: LoadResult | undefined) => (a && b && b.rps > 0 ? a.rps / b.rps : Number.NaN);
export const x = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}x` : "-");

export function loadTable(rows: LoadResult[], reference: (row: LoadResult) => string): string {
  return table(
    ["scenario", "c", "requests", "req/s", "p50 ms", "p99 ms", "errors", "vs reference", "load"],
    rows.map((row) => [
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

export function resolveTable(r: ResolveReport): string {
  return loadTable(r.rows, (row) => {
    if (row === r.mixed?.loaded) return `${x(ratio(row, r.mixed.unloaded))} of alone`;
    if (row === r.mixed?.noopLoaded) return `${x(ratio(row, r.mixed.noopUnloaded))} of alone`;
    if (row === r.mixed?.unloaded || row === r.mixed?.noopUnloaded) return "";
    const c = row.concurrency;
    const context = r.context.get(c);
    if (row === context?.context) return `p50 ${x(row.p50 / context.resolve.p50)} of the resolve's`;
    if (row === context?.resolve) return "";
    if ([r.known, r.fresh, r.bareKnown, r.bareFresh].some((m) => m.get(c) === row)) {
      const posted = r.doCallPost.get(c);
      const written = [r.fresh, r.bareFresh].some((m) => m.get(c) === row) ? r.doWrite.get(c) : undefined;
      return `${x(ratio(row, r.doCall.get(c)))} of 1 empty DO call${posted ? `, ${x(ratio(row, posted))} of it from a POST` : ""}${written ? `, ${x(ratio(row, written))} of 1 writing a row` : ""}`;
    }
    if (r.doCallPost.get(c) === row || r.doWrite.get(c) === row) return `${x(ratio(row, r.doCall.get(c)))} of 1 empty DO call`;
    if (r.doCall.get(row.concurrency) === row) return `${x(ratio(row, r.bareNoop.get(row.concurrency)))} of bare no-op`;
    if (r.noop.get(row.concurrency) === row) return `${x(ratio(row, r.bareNoop.get(row.concurrency)))} of bare no-op`;
    return "";
  });
}

/**
 * Where a resolve's time goes, from median latencies at the lowest concurrency (one request at a
 * time, so a median is the cost of one request; medians, because 1-minute-load hiccups on a shared
 * machine move means and tails): each Worker's own no-op is subtracted from its routes.
 */
export function breakdown(r: ResolveReport, concurrencies: number[]): string[] {
  const c = Math.min(...concurrencies);
  const p = (m: Map<number, LoadResult>) => m.get(c)?.p50 ?? Number.NaN;
  const [noop, known, fresh, bareNoop, doCall, bareKnown, bareFresh] = [p(r.noop), p(r.known), p(r.fresh), p(r.bareNoop), p(r.doCall), p(r.bareKnown), p(r.bareFresh)];
  const hop = doCall - bareNoop;
  const split = (app: number, bare: number) =>
    `+${ms(app - noop, 2)} ms over the app's no-op = app layers (router, middleware, API key, zod, RPC answer wrapping) ~${ms(app - noop - (bare - bareNoop), 2)}` +
    ` + the Durable Object call ~${ms(hop, 2)} + the store's resolveCaller in its transaction ~${ms(bare - doCall, 2)}`;
  const posted = p(r.doCallPost);
  const written = p(r.doWrite);
  const out = [
    `at c=${c}, medians: app no-op ${ms(noop, 2)} ms, bare Worker no-op ${ms(bareNoop, 2)} ms, one empty Durable Object call ${ms(doCall, 2)} ms (+${ms(hop, 2)} over the bare no-op)` +
      `, the same call from a POST with a resolve's body ${ms(posted, 2)} ms (+${ms(posted - doCall, 2)} for sending and reading the body)` +
      `, the same POST writing one row ${ms(written, 2)} ms (+${ms(written - posted, 2)} for a one-row transaction and its commit)`,
    `known caller: ${split(known, bareKnown)}`,
    `new number: ${split(fresh, bareFresh)}`,
  ];
  if (r.cli) {
    out.push(
      `the same SQL in the sqlite3 CLI on a copy of the store file (WAL, synchronous=FULL): a known caller's lookup ${ms(r.cli.knownReal, 3)} ms wall / ${ms(r.cli.knownCpu, 3)} ms CPU;` +
        ` a new number's lookup + stub + phone in one transaction ${ms(r.cli.freshReal, 2)} ms wall (of which COMMIT ${ms(r.cli.commitReal, 2)}) / ${ms(r.cli.freshCpu, 2)} ms CPU`,
    );
  }
  return out;
}

/** Target lines for the summary: [label, pass, detail]. */
export function resolveVerdicts(r: ResolveReport, concurrencies: number[]): [string, boolean, string][] {
  const out: [string, boolean, string][] = [];
  for (const [label, map, target] of [
    [`known callers >= ${RESOLVE_TARGETS.knownVsDoCall} of one empty Durable Object call (each c)`, r.known, RESOLVE_TARGETS.knownVsDoCall],
    [`all-new numbers >= ${RESOLVE_TARGETS.newVsDoCall} of one empty Durable Object call (each c)`, r.fresh, RESOLVE_TARGETS.newVsDoCall],
  ] as const) {
    if (!map.size || !r.doCall.size) continue;
    const parts = concurrencies.map((c) => [c, ratio(map.get(c), r.doCall.get(c))] as const);
    const posted = concurrencies.map((c) => `c=${c} ${x(ratio(map.get(c), r.doCallPost.get(c)))}`).join(", ");
    const written = map === r.fresh ? `; of one that commits a row: ${concurrencies.map((c) => `c=${c} ${x(ratio(map.get(c), r.doWrite.get(c)))}`).join(", ")}` : "";
    out.push([label, parts.every(([, v]) => v >= target), `${parts.map(([c, v]) => `c=${c} ${x(v)}`).join(", ")} (of the same call from a POST with the body: ${posted}${written})`]);
  }
  if (r.mixed) {
    const v = ratio(r.mixed.loaded, r.mixed.unloaded);
    out.push([
      `known callers at c=${r.mixed.loaded.concurrency} while 2 clients search the same store >= ${RESOLVE_TARGETS.loadedVsUnloaded} of alone`,
      v >= RESOLVE_TARGETS.loadedVsUnloaded,
      `${x(v)} (the no-op route under the same load: ${x(ratio(r.mixed.noopLoaded, r.mixed.noopUnloaded))} of alone)`,
    ]);
  }
  if (r.context.size) {
    const parts = [...r.context].map(([c, { resolve, context }]) => [c, context.p50 / resolve.p50] as const);
    out.push([
      `caller context p50 <= ${CONTEXT_TARGET}x a known resolve's p50 (the same callers, each with memory, ${CONTEXT.openTodos} open todos and ${CONTEXT.callsEach} calls)`,
      parts.every(([, v]) => v <= CONTEXT_TARGET),
      parts.map(([c, v]) => `c=${c} ${x(v)}`).join(", "),
    ]);
  }
  const i = r.integrity;
  if (i) {
    out.push(["duplicate phone rows = 0", i.duplicates === 0, String(i.duplicates)]);
    out.push(["orphan inbound_call stubs (no phone) = 0", i.orphans === 0, String(i.orphans)]);
    out.push([
      "stubs in the store = created answers (+ at most the requests whose answer was lost), one per number",
      i.stubsCreated >= i.createdAnswers && i.stubsCreated <= i.createdAnswers + i.lostAnswers && i.stubPhones === i.stubsCreated && i.ledgerConflicts === 0,
      `${i.stubsCreated} stubs / ${i.stubPhones} phones / ${i.createdAnswers} created answers / ${i.lostAnswers} lost answers / ${i.ledgerConflicts} numbers with >1 id or >1 created`,
    ]);
    out.push([
      "counters and search index in step (contact_stats = contacts = search keys)",
      i.statsCount === i.contacts && i.ftsRows === i.contacts,
      `contact_stats ${i.statsCount}, contacts ${i.contacts}, contact_search_keys ${i.ftsRows}`,
    ]);
  }
  for (const b of r.bursts) {
    out.push([`${b.label}: ${b.numbers} x ${b.width} concurrent resolves of one new number create exactly one contact each`, b.bad === 0 && b.errors === 0, `${b.bad}/${b.numbers} numbers wrong, ${b.errors} errors`]);
  }
  return out;
}

interface RecordedStatement {
  text: string;
  params: unknown[];
}
type ResolveCaller = (s: unknown, phone: string, source: string) => { created: boolean };
type StoreContextClass = new (db: unknown, sql: unknown, organizationId: string, scheduleAlarm: () => void) => unknown;

// Imported at run time by path, like listing.ts's modules (they reach Workers runtime types).
const CALLS_MODULE = new URL("../../worker/store/calls.ts", import.meta.url).href;
const CONTEXT_MODULE = new URL("../../worker/store/context.ts", import.meta.url).href;

/**
 * The statements the store's own resolveCaller runs for `phone` when the number is new (the
 * lookup first, then what writes the stub and its phone), recorded by a StoreContext whose SQL only writes down
 * what it is given (the lookup finds nothing).
 */
export async function resolveStatements(phone: string): Promise<string[]> {
  const [{ resolveCaller }, { StoreContext }] = (await Promise.all([import(CALLS_MODULE), import(CONTEXT_MODULE)])) as [
    { resolveCaller: ResolveCaller },
    { StoreContext: StoreContextClass },
  ];
  const log: RecordedStatement[] = [];
  const sql = {
    exec(text: string, ...params: unknown[]) {
      if (!/FROM store_settings/.test(text)) log.push({ text, params });
      return { toArray: () => [], rowsRead: 0, rowsWritten: 1 };
    },
  };
  const r = resolveCaller(new StoreContext(null, sql, "bench", () => {}), phone, "inbound_call");
  if (!r.created || !/^\s*SELECT/i.test(log[0]?.text ?? "")) throw new Error("resolveCaller's first statement for a new number is not its lookup");
  return log.map((s) => inlineParams(s.text, s.params).replace(/\s+/g, " ").trim());
}

/**
 * The resolve's SQL in the sqlite3 CLI on a copy of the store file (WAL, the CLI's default
 * synchronous=FULL): `n` new numbers, each lookup + stub + phone in one transaction, and `n`
 * lookups of known numbers. Wall time per transaction (the shell's clock has 1 ms resolution,
 * summed over all of them) and CPU time.
 */
export async function resolveSqlInCli(storeFile: string, copy: string, known: KnownCaller[], fresh: FreshNumbers, n = 200) {
  rmSync(copy, { force: true });
  await runSqlite(storeFile, `.backup ${sqlString(copy)}\n`);
  try {
    const lines = [".timer on", ".mode list", ".headers off"];
    // Timer lines per new number: BEGIN, each statement, COMMIT.
    let perNumber = 0;
    for (let i = 0; i < n; i++) {
      const statements = await resolveStatements(fresh.take());
      perNumber = statements.length + 2;
      lines.push("BEGIN;", ...statements.map((st) => `${st};`), "COMMIT;");
    }
    const lookupOf = (await resolveStatements("+12125550199"))[0] as string;
    for (const k of known.slice(0, n)) lines.push(lookupOf.replace("'+12125550199'", sqlString(k.phone)) + ";");
    const { stdout } = await runSqlite(copy, `${lines.join("\n")}\n`);
    const runs = stdout
      .split("\n")
      .map((line) => /^Run Time: real ([\d.]+) user ([\d.]+) sys ([\d.]+)/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ real: Number(m[1]) * 1000, cpu: (Number(m[2]) + Number(m[3])) * 1000 }));
    const expected = n * perNumber + Math.min(n, known.length);
    if (runs.length !== expected) throw new Error(`expected ${expected} timer lines from sqlite3, got ${runs.length}`);
    const sum = (xs: typeof runs) => ({ real: xs.reduce((a, r) => a + r.real, 0), cpu: xs.reduce((a, r) => a + r.cpu, 0) });
    const writes = sum(runs.slice(0, n * perNumber));
    const commits = sum(runs.slice(0, n * perNumber).filter((_, i) => i % perNumber === perNumber - 1));
    const lookups = sum(runs.slice(n * perNumber));
    const k = Math.max(1, Math.min(n, known.length));
    return {
      freshReal: writes.real / n,
      freshCpu: writes.cpu / n,
      commitReal: commits.real / n,
      knownReal: lookups.real / k,
      knownCpu: lookups.cpu / k,
    };
  } finally {
    for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) rmSync(f, { force: true });
  }
}
