/**
 * `npm run bench`: loads deterministic organizations into the stores of a local `wrangler dev`
 * (bench-state/, gitignored) and measures, through the running Worker:
 *
 *   search       GET /api/contacts/list for 17 query kinds on the 100,000-contact organization,
 *                next to the floor of such a request: the no-op route (GET /api/health, sampled
 *                alternately) plus the same SQL run by the sqlite3 shell on the store's SQLite
 *                file (the list statements the store's runList runs, and the statements of its
 *                CONTACTS_JSON, which builds the page's 25 contacts); beside it, the same GET
 *                through a bare Worker running the store's own list code in a Durable Object on
 *                a copy of the store file (the request minus the app's HTTP layers), to split
 *                the time; and GET /api/me with the owner's session next to the no-op route;
 *   assignments  GET /api/contacts/assignments (admin session) for each sort and member filter,
 *                a tag filter and a search, the same way (plus the view's counter statements);
 *   resolve      POST /api/contacts/resolve (API key) at several concurrencies, for 10,000
 *                distinct known callers drawn Zipf-wise and for all-new numbers, next to the
 *                no-op route and the reference row, one empty Durable Object call from a bare
 *                Worker (scripts/bench/bare-worker.js), and the store's own resolveCaller in a
 *                bare Durable Object on a copy of the store; 50-way bursts of one new number; known
 *                callers while two clients loop a search in the same store; POST /api/caller-context
 *                for 100 callers with a history (memory, open todos, 20 calls) next to a known
 *                resolve of the same callers, at c=1 and 10; afterwards
 *                duplicates and orphan stubs counted with sqlite3 on the store file, then the
 *                stubs the run created deleted again;
 *   tenants      200 small organizations (500 contacts each) beside the big one: known callers
 *                spread over their stores, alone and while two clients search the big store,
 *                next to the no-op route under the same load and the reference row; and the
 *                first request to the big (and a small) store after wrangler dev restarted
 *                (cold start, migrations check included) against the same request warm;
 *   import       a 100,000-row CSV (5% matching existing contacts, 1% malformed) through
 *                POST /api/imports and the import queue, next to sqlite3's .import of the same
 *                file into the store's schema with its triggers;
 *   sizes        bytes per contact (phones, emails, tags, search index), per call (row +
 *                analyses; its transcript in R2 separately), per message and per note, from
 *                sqlite3's dbstat on a store restored with realistic content (its own
 *                organization), and per identity row in D1.
 *
 * Loading goes through the stores: identity rows (organizations, users, members, the owners'
 * sessions, API keys) go into the D1 file with sqlite3, then each organization's data is
 * restored into its store with POST /api/restore (a backup file as GET /api/export writes it).
 * A store's file is found by its store_settings.organization_id and read with sqlite3 only
 * while no workerd has it open.
 *
 * Options: --contacts N (the big organization, default 100000; its backup must stay under
 * POST /api/restore's 100 MB), --runs N (timed requests per list kind, default 50), --seed S,
 * --plans (print query plans for every list kind, from the sqlite3 CLI and from workerd's SQLite
 * on a copy of the store; by default only for the kinds that miss the p95 or rows target or
 * whose plans differ; workerd's rows read per statement are printed for every kind),
 * --only LIST (comma-separated: a section name `search`, `assignments`, `resolve`, `tenants`,
 * `webhooks`, `sizes`, `export`, `import`, `keeping`; or `search:TEXT` / `assignments:TEXT` for that section's kinds whose name contains
 * TEXT; or a bare TEXT for the search and assignments kinds whose name contains TEXT),
 * --duration S (seconds per timed load row, default 3), --concurrency LIST (default 1,10,50),
 * --reuse (keep bench-state/ if it already holds the same data (loader version, sizes, seed)
 * under the same D1 and store migrations, loading only organizations it lacks; for iterating
 * on the bench).
 *
 * The Worker is bundled once (`wrangler deploy --dry-run`), right at the start, and served with
 * `wrangler dev --no-bundle` from a copy of wrangler.toml in bench-state/ whose assets directory
 * is a placeholder, so neither edits to worker/** nor a `vite build` or wrangler.toml edit during
 * a run can reload it mid-measurement.
 *
 * Authentication: the loader inserts each owner's better-auth `session` row directly and the
 * bench sends the signed `better-auth.session_token` cookie (see bench/worker.ts); the Worker
 * runs with a random BETTER_AUTH_SECRET passed as --var. The pipeline routes get the loader's
 * API keys (api_keys.key_hash = sha256 of a secret derived from the seed).
 *
 * This machine is shared and noisy: figures are printed next to reference rows measured in the
 * same run, and the 1-minute load average with them. Benchmarks print figures; the exit code is
 * 0 whether or not the targets are met.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, relative } from "node:path";
import process from "node:process";
import { assignmentKinds } from "./bench/assignments";
import { CONTEXT, contextActivity, contextCallers, contextSpec } from "./bench/context";
import { type Dataset, backupLines, describe, generate, identitySql, renewSessionsSql, storeSchemaVersion } from "./bench/data";
import {
  type KindResult,
  type ListKind,
  REQUEST_TIMEOUT_MS,
  TARGETS,
  kindUrl,
  measureCli,
  measureWorker,
  mismatches,
  report,
  statementSplit,
  splitTable,
  verdict,
} from "./bench/listing";
import { type WorkerdPlan, placeCopy, workerdPlans } from "./bench/store-copy";
import {
  BackgroundLoop,
  FreshNumbers,
  type Integrity,
  type KnownCaller,
  KnownCallers,
  Ledger,
  type LoadResult,
  type LoadSpec,
  type ResolveReport,
  type ResolveTarget,
  Scenario,
  breakdown,
  buildBareWorker,
  interleave,
  knownSpec,
  newSpec,
  postedDoCallSpec,
  resolveSqlInCli,
  resolveTable,
  resolveVerdicts,
  sameNumberBurst,
} from "./bench/resolve";
import { Random } from "./bench/random";
import { commonFirstName, queryKinds } from "./bench/search";
import { SIZES, d1Sizes, r2Objects, sizesActivity, storeSizes } from "./bench/sizes";
import { queryRows, runSqlite } from "./bench/sqlite";
import { ms, seconds, summarize, table } from "./bench/stats";
import { d1File, queryEachStore, restore, storeFiles } from "./bench/stores";
import { exportFloor, exportReport, exportThroughWorker } from "./bench/export";
import { keepingFloor, keepingSection } from "./bench/keeping";
import { importFiles, importFloor, importReport, importsThroughApp, resolveDuringImportLine } from "./bench/imports";
import { type TenantsReport, coldLines, coldStarts, tenantsLoad, tenantsTable, tenantsVerdicts } from "./bench/tenants";
import { type WebhooksReport, WEBHOOKS, webhooksLines, webhooksSection } from "./bench/webhooks";
import { type RunningWorker, appConfig, buildWorker, killWorkers, sessionCookie, startWorker, timedGet, wrangler } from "./bench/worker";

const SECTIONS = ["search", "assignments", "resolve", "tenants", "webhooks", "sizes", "export", "import", "keeping"] as const;
type Section = (typeof SECTIONS)[number];
/** Bump when the loader writes different rows, so --reuse reloads. */
const LOADER_VERSION = 5;
/** The tenants section's small organizations. */
const TENANTS = { count: 200, contacts: 500 };
/** GET /api/me's p50 may be at most this many times the no-op route's. */
const ME_TARGET = 1.3;
/** The bare Worker's StoreCopy of the big store (list and resolve comparisons). */
const BIG_COPY = "big";

interface Options {
  contacts: number;
  runs: number;
  seed: string;
  plans: boolean;
  /** Selected sections, each with its kind-name filters (empty: every kind). */
  only: Map<Section, string[]>;
  reuse: boolean;
  durationMs: number;
  concurrencies: number[];
}

function parseOnly(value: string): Map<Section, string[]> {
  const only = new Map<Section, string[] | "all">();
  const addFilter = (section: Section, filter: string) => {
    const current = only.get(section);
    if (current !== "all") only.set(section, [...(current ?? []), filter]);
  };
  for (const item of value.split(",").map((s) => s.trim()).filter(Boolean)) {
    const colon = item.indexOf(":");
    const head = colon === -1 ? item : item.slice(0, colon);
    const section = SECTIONS.find((s) => s === head);
    if (section && colon === -1) only.set(section, "all");
    else if (section === "resolve" || section === "tenants" || section === "webhooks" || section === "sizes" || section === "export" || section === "import" || section === "keeping") throw new Error(`--only ${section} takes no kind filter`);
    else if (section) addFilter(section, item.slice(colon + 1));
    // Bare text: the kinds of both list sections whose name contains it (the original --only).
    else for (const s of ["search", "assignments"] as const) addFilter(s, item);
  }
  return new Map([...only].map(([s, f]) => [s, f === "all" ? [] : f]));
}

function parseArgs(argv: readonly string[]): Options {
  const opts: Options = {
    contacts: 100_000,
    runs: 50,
    seed: "contacts-bench-v1",
    plans: false,
    only: new Map(SECTIONS.map((s) => [s, []])),
    reuse: false,
    durationMs: 3000,
    concurrencies: [1, 10, 50],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === "--contacts") opts.contacts = Number(value());
    else if (arg === "--runs") opts.runs = Number(value());
    else if (arg === "--seed") opts.seed = value();
    else if (arg === "--plans") opts.plans = true;
    else if (arg === "--only") opts.only = parseOnly(value());
    else if (arg === "--reuse") opts.reuse = true;
    else if (arg === "--duration") opts.durationMs = Number(value()) * 1000;
    else if (arg === "--concurrency") opts.concurrencies = value().split(",").map(Number);
    else throw new Error(`unknown option ${arg}`);
  }
  if (!(opts.contacts > 0) || !(opts.runs > 0)) throw new Error("--contacts and --runs must be positive");
  if (!(opts.durationMs > 0 && opts.durationMs <= 30_000)) throw new Error("--duration must be in (0, 30] seconds");
  if (!opts.concurrencies.every((c) => Number.isInteger(c) && c > 0 && c <= 200)) throw new Error("--concurrency takes integers in 1..200");
  if (opts.only.size === 0) throw new Error("--only selected nothing");
  return opts;
}

const selected = (opts: Options, section: Section, kinds: ListKind[]) => {
  const filters = opts.only.get(section);
  if (!filters) return [];
  return filters.length === 0 ? kinds : kinds.filter((k) => filters.some((f) => k.name.includes(f)));
};

/** 1-minute load averages seen during measurement: other processes skew latency figures. */
const loads: number[] = [];
function load(): string {
  const l = loadavg()[0] ?? 0;
  loads.push(l);
  return `load ${l.toFixed(1)}`;
}
const loadNow = () => {
  const l = loadavg()[0] ?? 0;
  loads.push(l);
  return l;
};

/** Rounds each load scenario's --duration is split into, interleaved with the others. */
const ROUNDS = 3;

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

/** A set of organizations the loader restores, named in the --reuse stamp with its size. */
interface Part {
  key: "big" | "tenants" | "sizes";
  size: string;
  orgs: Dataset[];
  backup: (d: Dataset) => Iterable<string>;
}

interface Stamp {
  loader: number;
  seed: string;
  migrations: { d1: string; store: string };
  parts: Record<string, string>;
}

function hashFolder(dir: string): string {
  const hash = createHash("sha256");
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const path = join(d, f);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(relative(dir, path)).update(readFileSync(path));
    }
  };
  walk(dir);
  return hash.digest("hex").slice(0, 16);
}

/** Removes the stubs resolve runs create (source inbound_call; the loader never writes that source). */
async function deleteResolveStubs(file: string): Promise<void> {
  await runSqlite(
    file,
    `BEGIN;
DELETE FROM contact_phones WHERE contact_id IN (SELECT id FROM contacts WHERE source = 'inbound_call');
DELETE FROM contacts WHERE source = 'inbound_call';
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
`,
  );
}

interface AppContext {
  root: string;
  stateDir: string;
  script: string;
  config: string;
  secret: string;
}

const startApp = (ctx: AppContext) =>
  startWorker({
    root: ctx.root,
    script: ctx.script,
    config: ctx.config,
    persistTo: ctx.stateDir,
    // Loopback webhook endpoints: the webhooks section's receiver runs on 127.0.0.1.
    vars: { BETTER_AUTH_SECRET: ctx.secret, WEBHOOK_ALLOW_LOOPBACK: "true" },
    logFile: join(ctx.stateDir, "wrangler-dev.log"),
  });

/**
 * Loads the parts the selected sections need: identity rows into D1 with sqlite3, then each
 * organization's backup through the running Worker (POST /api/restore), then checks every store
 * with sqlite3. With --reuse, keeps what an earlier run loaded with the same loader, seed and
 * migrations and loads only the parts it lacks.
 */
async function loadStores(ctx: AppContext, parts: Part[], opts: Options): Promise<void> {
  const { root, stateDir } = ctx;
  const marker = join(stateDir, "loaded.json");
  const base = {
    loader: LOADER_VERSION,
    seed: opts.seed,
    migrations: { d1: hashFolder(join(root, "migrations/d1")), store: hashFolder(join(root, "migrations/store")) },
  };
  let loaded: Stamp | undefined;
  if (opts.reuse && existsSync(marker)) {
    const previous = JSON.parse(readFileSync(marker, "utf8")) as Stamp;
    const same = JSON.stringify({ ...previous, parts: undefined }) === JSON.stringify({ ...base, parts: undefined });
    const conflicting = parts.some((p) => previous.parts[p.key] !== undefined && previous.parts[p.key] !== p.size);
    if (same && !conflicting) loaded = previous;
    else {
      const why = [
        previous.loader !== base.loader && `loader version ${previous.loader} -> ${base.loader}`,
        previous.seed !== base.seed && `seed ${previous.seed} -> ${base.seed}`,
        previous.migrations?.d1 !== base.migrations.d1 && "the D1 migrations changed",
        previous.migrations?.store !== base.migrations.store && "the store migrations changed",
        ...parts.filter((p) => previous.parts[p.key] !== undefined && previous.parts[p.key] !== p.size).map((p) => `${p.key}: ${previous.parts[p.key]} -> ${p.size}`),
      ].filter(Boolean);
      console.log(`--reuse: bench-state/ holds other data (${why.join("; ")}); reloading`);
    }
  }
  const todo = parts.filter((p) => loaded?.parts[p.key] === undefined);
  if (loaded) {
    const kept = parts.filter((p) => !todo.includes(p));
    if (kept.length) console.log(`reusing the stores loaded by an earlier run (--reuse): ${kept.map((p) => `${p.key} ${p.size}`).join(", ")}`);
    const d1 = d1File(stateDir);
    // The owners' sessions may have expired since; stubs left by an interrupted resolve run go.
    await runSqlite(d1, renewSessionsSql(kept.flatMap((p) => p.orgs)));
    const big = kept.find((p) => p.key === "big")?.orgs[0];
    if (big) {
      const file = (await storeFiles(stateDir)).get(big.org.organizationId);
      if (!file) throw new Error("bench-state/loaded.json names the big organization, but no store file does: delete bench-state/");
      await deleteResolveStubs(file);
    }
  } else {
    for (const f of readdirSync(stateDir)) if (f === "v3" || f === "loaded.json") rmSync(join(stateDir, f), { recursive: true, force: true });
    const t = performance.now();
    await wrangler(root, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir]);
    console.log(`D1 migrations applied (wrangler d1 migrations apply --local): ${seconds(t)}`);
  }
  if (!todo.length) return;
  const stamp: Stamp = { ...base, parts: { ...(loaded?.parts ?? {}) } };

  let t = performance.now();
  const orgs = todo.flatMap((p) => p.orgs);
  await runSqlite(d1File(stateDir), identitySql(orgs));
  console.log(`identity rows of ${orgs.length} organizations written to D1 with sqlite3: ${seconds(t)}`);
  const worker = await startApp(ctx);
  try {
    for (const part of todo) {
      t = performance.now();
      const counts: Record<string, number> = {};
      const queue = [...part.orgs];
      // Small organizations go in a few at a time (each restore is one store's transactions).
      const lanes = part.orgs.length > 1 ? 4 : 1;
      await Promise.all(
        Array.from({ length: lanes }, async () => {
          for (let data = queue.shift(); data; data = queue.shift()) {
            const restored = await restore(worker.url, sessionCookie(data.org.sessionToken, ctx.secret), part.backup(data));
            for (const [k, v] of Object.entries(restored)) counts[k] = (counts[k] ?? 0) + v;
          }
        }),
      );
      console.log(`restored ${part.key} (${part.size}) through POST /api/restore: ${JSON.stringify(counts)}: ${seconds(t)}`);
    }
  } finally {
    await worker.stop();
  }

  t = performance.now();
  const files = await storeFiles(stateDir);
  for (const part of todo) {
    const missing = part.orgs.filter((d) => !files.has(d.org.organizationId));
    if (missing.length) throw new Error(`${missing.length} ${part.key} organizations have no store file after their restore`);
    const rows = await queryEachStore<{ contacts: number; keys: number; stats: number }>(
      part.orgs.map((d) => files.get(d.org.organizationId) as string),
      (s) => `SELECT (SELECT count(*) FROM ${s}.contacts) AS contacts, (SELECT count(*) FROM ${s}.contact_search_keys) AS keys, (SELECT contact_count FROM ${s}.contact_stats) AS stats`,
    );
    const wrong = rows.filter((r, i) => {
      const n = part.orgs[i]?.contacts.length;
      return r.contacts !== n || r.keys !== n || r.stats !== n;
    });
    if (wrong.length || rows.length !== part.orgs.length) {
      throw new Error(`${part.key}: ${wrong.length} stores whose contacts, search keys or contact_stats differ from what was restored: ${JSON.stringify(wrong.slice(0, 3))}`);
    }
    stamp.parts[part.key] = part.size;
  }
  console.log(`checked with sqlite3 (contacts = search keys = contact_stats in every store restored): ${seconds(t)}`);
  writeFileSync(marker, JSON.stringify(stamp));
}

// ---------------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------------

async function explain(file: string, sql: string): Promise<string> {
  // The shell prints EXPLAIN QUERY PLAN as a tree in its default output mode.
  const { stdout } = await runSqlite(file, `EXPLAIN QUERY PLAN ${sql};\n`);
  return stdout
    .trimEnd()
    .split("\n")
    .filter((line) => line !== "QUERY PLAN")
    .map((line) => `      ${line}`)
    .join("\n");
}

/** A statement with its long lists of ids (IN lists, JSON arrays) shortened, for printing. */
const brief = (sql: string) =>
  sql
    .replace(/\(('[^']*')(, '[^']*'){3,}\)/g, (list, first: string) => `(${first}, … ${list.split(",").length} values)`)
    .replace(/'\[("[^"]*")(,"[^"]*"){3,}\]'/g, (list, first: string) => `'[${first}, … ${list.split(",").length} values]'`);

/**
 * GET /api/me with the owner's session, the no-op route, and the bare Worker's no-op and empty
 * Durable Object call, alternately: the signed-in floor, and the two figures the list time split uses.
 */
async function measureFloors(url: string, bareUrl: string | undefined, cookie: Record<string, string>, runs: number) {
  const me: number[] = [];
  const noop: number[] = [];
  const bareNoop: number[] = [];
  const doCall: number[] = [];
  for (let i = 0; i < 5 + runs; i++) {
    const h = await timedGet(`${url}/api/health`, {});
    const m = await timedGet(`${url}/api/me`, cookie);
    if (m.status !== 200) throw new Error(`GET /api/me -> ${m.status}: ${m.body.slice(0, 300)}`);
    const b = bareUrl ? await timedGet(`${bareUrl}/`, {}) : undefined;
    const d = bareUrl ? await timedGet(`${bareUrl}/do-ping`, {}) : undefined;
    if (i >= 5) {
      noop.push(h.ms);
      me.push(m.ms);
      if (b && d) {
        bareNoop.push(b.ms);
        doCall.push(d.ms);
      }
    }
  }
  return { me: summarize(me), noop: summarize(noop), bareNoop: summarize(bareNoop), doCall: summarize(doCall) };
}

interface ResolveSetup {
  data: Dataset;
  opts: Options;
  fresh: FreshNumbers;
  known: KnownCallers;
  /** Callers with a history (memory, todos, 20 calls), for the caller-context row. */
  withHistory: KnownCaller[];
  searchUrl: string;
  searchHeaders: Record<string, string>;
}

/**
 * The resolve section, on the app's Worker and the bare baseline Worker (both running). Per
 * concurrency, every scenario runs in 3 interleaved rounds, so the ratios compare figures
 * taken under the same background load.
 */
async function resolveSection(app: RunningWorker, bare: RunningWorker, s: ResolveSetup, ledger: Ledger, rep: ResolveReport, log: (r: LoadResult) => void) {
  const { data, opts } = s;
  const appTarget: ResolveTarget = { label: "resolve", url: `${app.url}/api/contacts/resolve`, headers: { authorization: `Bearer ${data.apiKey.secret}` } };
  const bareTarget: ResolveTarget = { label: "store's resolveCaller in a bare DO (copy of the store)", url: `${bare.url}/copy/${BIG_COPY}/resolve`, headers: {} };
  // The copy's stubs are not checked (the app's are): its own ledger.
  const bareLedger = new Ledger();
  const plan = { durationMs: opts.durationMs, rounds: ROUNDS, warmupMs: 500 };
  const pick = () => s.known.pick();
  for (const c of opts.concurrencies) {
    const results = await interleave(
      [
        new Scenario({ scenario: "no-op GET /api/health", url: `${app.url}/api/health`, concurrency: c }),
        new Scenario(knownSpec(appTarget, pick, c, `resolve: known callers (${s.known.distinct.toLocaleString("en-US")} numbers, Zipf)`)),
        new Scenario(newSpec(appTarget, s.fresh, ledger, c)),
        new Scenario({ scenario: "one empty Durable Object call (bare Worker)", url: `${bare.url}/do-ping`, concurrency: c }),
        new Scenario(postedDoCallSpec(`${bare.url}/do-ping`, pick, c)),
        new Scenario(postedDoCallSpec(`${bare.url}/do-write`, pick, c, "the same POST, the Durable Object committing one row (bare Worker)")),
        new Scenario({ scenario: "no-op (bare Worker): GET /", url: `${bare.url}/`, concurrency: c }),
        new Scenario(knownSpec(bareTarget, pick, c)),
        new Scenario(newSpec(bareTarget, s.fresh, bareLedger, c)),
      ],
      plan,
    );
    const maps = [rep.noop, rep.known, rep.fresh, rep.doCall, rep.doCallPost, rep.doWrite, rep.bareNoop, rep.bareKnown, rep.bareFresh];
    results.forEach((r, i) => {
      rep.rows.push(r);
      maps[i]?.set(c, r);
      log(r);
    });
  }
  // Caller context next to a known resolve of the same callers (each with a history), at c=1 and 10.
  const contextTarget: ResolveTarget = { label: "caller context", url: `${app.url}/api/caller-context`, headers: appTarget.headers };
  const historyRng = new Random(`${opts.seed}/context-picks`);
  const withHistory = () => historyRng.pick(s.withHistory);
  for (const c of opts.concurrencies.filter((c) => c <= 10)) {
    const [resolve, context] = await interleave(
      [new Scenario(knownSpec(appTarget, withHistory, c, "resolve: known callers with a history (same callers as the next row)")), new Scenario(contextSpec(contextTarget, withHistory, c))],
      plan,
    );
    if (resolve && context) {
      rep.context.set(c, { resolve, context });
      for (const r of [resolve, context]) {
        rep.rows.push(r);
        log(r);
      }
    }
  }

  const burst = await sameNumberBurst(appTarget, s.fresh, ledger, 10, 50);
  rep.bursts.push({ label: "resolve", ...burst });
  console.log(`  same-number bursts: ${burst.bad}/${burst.numbers} numbers wrong, ${burst.errors} errors`);

  // Mixed: known resolves alone, then while two clients loop the common-name search in the same store, interleaved.
  const c = opts.concurrencies.includes(10) ? 10 : (opts.concurrencies[Math.floor(opts.concurrencies.length / 2)] as number);
  const searches = new BackgroundLoop(s.searchUrl, s.searchHeaders, 2);
  const loadedSpec = knownSpec(appTarget, pick, c, "resolve: known callers, while 2 clients search the same store");
  // The same for the no-op route: what any request, however cheap, keeps under that search load.
  const noopSpec = { scenario: "no-op GET /api/health", url: `${app.url}/api/health`, concurrency: c };
  const noopLoadedSpec = { ...noopSpec, scenario: "no-op GET /api/health, while 2 clients search" };
  const loadedSpecs: LoadSpec[] = [loadedSpec, noopLoadedSpec];
  try {
    const [unloaded, loaded, noopUnloaded, noopLoaded] = await interleave(
      [
        new Scenario(knownSpec(appTarget, pick, c, "resolve: known callers, alone (paired)")),
        new Scenario(loadedSpec),
        new Scenario({ ...noopSpec, scenario: "no-op GET /api/health, alone (paired)" }),
        new Scenario(noopLoadedSpec),
      ],
      {
        ...plan,
        before: async (sc) => {
          if (!loadedSpecs.includes(sc.spec)) return;
          searches.start();
          await new Promise((r) => setTimeout(r, 300));
        },
        after: async (sc) => {
          if (loadedSpecs.includes(sc.spec)) await searches.stop();
        },
      },
    );
    if (unloaded && loaded && noopUnloaded && noopLoaded) {
      rep.rows.push(unloaded, loaded, noopUnloaded, noopLoaded);
      for (const r of [unloaded, loaded, noopUnloaded, noopLoaded]) log(r);
      rep.mixed = { unloaded, loaded, noopUnloaded, noopLoaded, search: searches.summary() };
      const m = rep.mixed.search;
      console.log(`  meanwhile ${m.completed} searches, p50 ${ms(m.p50)} ms, p95 ${ms(m.p95)} ms${m.errors ? `, ${m.errors} errors` : ""}`);
    }
  } finally {
    searches.close();
  }
}

async function integrity(file: string, ledger: Ledger): Promise<Integrity> {
  const [row] = await queryRows<Record<string, number>>(
    file,
    `SELECT
      (SELECT count(*) FROM (SELECT phone_number FROM contact_phones GROUP BY phone_number HAVING count(*) > 1)) AS duplicates,
      (SELECT count(*) FROM contacts c WHERE c.source = 'inbound_call' AND NOT EXISTS (SELECT 1 FROM contact_phones p WHERE p.contact_id = c.id)) AS orphans,
      (SELECT count(*) FROM contacts WHERE source = 'inbound_call') AS stubs,
      (SELECT count(*) FROM contact_phones p JOIN contacts c ON c.id = p.contact_id WHERE c.source = 'inbound_call') AS stub_phones,
      (SELECT contact_count FROM contact_stats WHERE id = 1) AS stats_count,
      (SELECT count(*) FROM contacts) AS contacts,
      (SELECT count(*) FROM contact_search_keys) AS fts_rows`,
  );
  return {
    duplicates: Number(row?.duplicates),
    orphans: Number(row?.orphans),
    stubsCreated: Number(row?.stubs),
    stubPhones: Number(row?.stub_phones),
    createdAnswers: ledger.createdAnswers,
    lostAnswers: ledger.lost,
    ledgerConflicts: ledger.conflicts().length,
    statsCount: Number(row?.stats_count),
    contacts: Number(row?.contacts),
    ftsRows: Number(row?.fts_rows),
  };
}

/** The sizes section's figures (sqlite3 on closed files), and its summary line. */
async function sizesSection(stateDir: string, sizes: Dataset, big: Dataset | undefined, files: Map<string, string>): Promise<{ lines: string[]; summary: string }> {
  const out: string[] = [];
  const file = files.get(sizes.org.organizationId);
  if (!file) throw new Error("no store file for the sizes organization");
  const [counts] = await queryRows<{ contacts: number; calls: number; messages: number; notes: number }>(
    file,
    "SELECT (SELECT count(*) FROM contacts) AS contacts, (SELECT count(*) FROM calls) AS calls, (SELECT count(*) FROM messages) AS messages, (SELECT count(*) FROM notes) AS notes",
  );
  if (!counts) throw new Error("sizes: no counts");
  const d = describe(sizes);
  const s = await storeSizes(file, counts);
  out.push(
    `Store of the sizes organization (${counts.contacts.toLocaleString("en-US")} contacts: ${d.phonesPerContact.toFixed(2)} phones, ${d.emailsPerContact.toFixed(2)} emails, ` +
      `${(100 * d.taggedShare).toFixed(0)}% tagged, ${(100 * d.assignedShare).toFixed(0)}% assigned; ${counts.calls.toLocaleString("en-US")} calls with ${SIZES.transcriptChars / 1000} KB transcripts ` +
      `and 3 analyses each (intent, sentiment, ~300-character summary); ${counts.messages.toLocaleString("en-US")} SMS of ~${SIZES.messageChars} characters; ` +
      `${counts.notes.toLocaleString("en-US")} notes of ~${SIZES.noteChars}), measured with sqlite3's dbstat (pages of each table and its indexes):\n`,
  );
  out.push(s.text);
  const r2 = await r2Objects(stateDir, `${sizes.org.organizationId}/calls/`);
  out.push(
    r2
      ? `  transcripts in R2 (local R2's object metadata): ${r2.objects.toLocaleString("en-US")} objects, ${(r2.bytes / 1024 / 1024).toFixed(1)} MiB, ${(r2.bytes / r2.objects).toFixed(0)} bytes per call`
      : "  transcripts in R2: local R2's object metadata not found",
  );
  let perContact = s.perContact;
  if (big) {
    const bigFile = files.get(big.org.organizationId);
    if (bigFile) {
      const b = await storeSizes(bigFile, { contacts: big.contacts.length, calls: 0, messages: 0, notes: 0 });
      perContact = b.perContact;
      out.push(`\nStore of the big organization (${big.contacts.length.toLocaleString("en-US")} contacts, no calls, messages or notes):\n`);
      out.push(b.text);
    }
  }
  const perCall = s.perCall;
  const gb = 10e9;
  const summary =
    `contact ${perContact.toFixed(0)} bytes (assignments apart), call ${perCall.toFixed(0)} bytes in SQLite + ${r2 ? (r2.bytes / r2.objects).toFixed(0) : "?"} in R2, ` +
    `message ${s.perMessage.toFixed(0)} bytes, note ${s.perNote.toFixed(0)} bytes`;
  out.push(
    `\nPer record on disk: ${summary}.` +
      ` A 10 GB store (10^10 bytes, a Durable Object's limit) holds ~${(gb / perContact / 1e6).toFixed(1)} M contacts alone, or e.g. ${(gb / (perContact + 20 * perCall + 50 * s.perMessage + 5 * s.perNote) / 1e3).toFixed(0)}k contacts with 20 calls, 50 messages and 5 notes each.`,
  );
  out.push(`\nD1 (identity rows of all loaded organizations; small tables are dominated by whole pages):\n`);
  out.push(await d1Sizes(d1File(stateDir)));
  return { lines: out, summary };
}

// ---------------------------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const root = process.cwd();
  if (!existsSync(join(root, "wrangler.toml"))) throw new Error("run from the repository root (npm run bench)");
  const stateDir = join(root, "bench-state");
  const started = performance.now();
  const [sqliteVersion] = await queryRows<{ v: string }>(":memory:", "SELECT sqlite_version() AS v");
  const has = (s: Section) => opts.only.has(s);
  const needsBig = has("search") || has("assignments") || has("resolve") || has("tenants") || has("export") || has("keeping");
  console.log(
    `bench: sections ${[...opts.only.keys()].join(", ")}${needsBig ? `, ${opts.contacts.toLocaleString("en-US")} contacts in the big organization, ${opts.runs} timed runs per list kind (after 5 warm-up)` : ""}, ` +
      `node ${process.version}, sqlite3 CLI ${sqliteVersion?.v}, ${cpus().length} CPUs, ${load()} at start`,
  );

  let t = performance.now();
  const big = needsBig ? generate(opts.contacts, opts.seed) : undefined;
  const tenants = has("tenants")
    ? Array.from({ length: TENANTS.count }, (_, i) => {
        const n = String(i + 1).padStart(3, "0");
        return generate(TENANTS.contacts, `${opts.seed}/tenant-${n}`, { name: `Tenant ${n}`, slug: `tenant-${n}`, members: 3 });
      })
    : [];
  const sizes = has("sizes") ? generate(SIZES.contacts, `${opts.seed}/sizes`, { name: "Sizes Org", slug: "bench-sizes", members: 5 }) : undefined;
  if (big) {
    const d = describe(big);
    console.log(
      `generated (seed "${opts.seed}") in ${seconds(t)}: ${d.phonesPerContact.toFixed(2)} phones and ${d.emailsPerContact.toFixed(2)} emails per contact, ` +
        `${(100 * d.stubShare).toFixed(1)}% stubs, ${(100 * d.taggedShare).toFixed(1)}% tagged, ${(100 * d.contactedShare).toFixed(1)}% with last_contacted_at, ` +
        `${(100 * d.assignedShare).toFixed(1)}% assigned (${d.assignmentRows.toLocaleString("en-US")} assignments over ${big.members.length} members)` +
        (tenants.length ? `; ${tenants.length} small organizations of ${TENANTS.contacts} contacts and 3 members` : "") +
        (sizes ? `; the sizes organization` : ""),
    );
  }

  const searchKinds = big ? selected(opts, "search", queryKinds(big)) : [];
  const assignKinds = big ? selected(opts, "assignments", assignmentKinds(big)) : [];
  const listKinds = [...searchKinds, ...assignKinds];
  const withResolve = has("resolve");
  const withTenants = has("tenants");
  const withExport = has("export");
  const withKeeping = has("keeping");
  // The export section runs in the same block as the others (which all compare with the bare Worker).
  const needsBare = withResolve || withTenants || withExport || withKeeping || listKinds.length > 0;

  // Bundle first: the Worker is frozen as close as possible to the moment this process imported
  // the store code it reproduces (runList, CONTACTS_JSON) for the sqlite3 side.
  t = performance.now();
  const secret = randomBytes(32).toString("hex");
  const config = appConfig(root, join(stateDir, "app-worker"));
  const script = await buildWorker(root, join(stateDir, "app-worker/build"), config);
  const bareBuilt = needsBare ? await buildBareWorker(root, stateDir) : undefined;
  console.log(`Worker bundled${bareBuilt ? " (and the bare baseline Worker)" : ""}: ${seconds(t)}`);
  const ctx: AppContext = { root, stateDir, script, config, secret };

  const parts: Part[] = [];
  const schemaVersion = storeSchemaVersion(root);
  if (big) {
    parts.push({
      key: "big",
      size: `${opts.contacts} contacts, ${CONTEXT.callers} with a history`,
      orgs: [big],
      backup: (d) => backupLines(d, schemaVersion, contextActivity(d, opts.seed)),
    });
  }
  if (tenants.length) parts.push({ key: "tenants", size: `${TENANTS.count} x ${TENANTS.contacts} contacts`, orgs: tenants, backup: (d) => backupLines(d, schemaVersion) });
  if (sizes) {
    parts.push({
      key: "sizes",
      size: JSON.stringify(SIZES),
      orgs: [sizes],
      backup: (d) => backupLines(d, schemaVersion, sizesActivity(d, opts.seed)),
    });
  }
  await loadStores(ctx, parts, opts);
  let files = await storeFiles(stateDir);
  const bigFile = big ? files.get(big.org.organizationId) : undefined;
  if (big && !bigFile) throw new Error("no store file for the big organization");
  if (bigFile) {
    const size = statSync(bigFile).size;
    console.log(`big organization's store: ${relative(root, bigFile)} (${(size / 1024 / 1024).toFixed(0)} MiB)`);
  }

  // sqlite3 first, while no other process has the file open.
  t = performance.now();
  let startLoad = load();
  const cli = [];
  for (const kind of listKinds) cli.push(await measureCli(bigFile as string, kind, opts.runs));
  if (listKinds.length) console.log(`sqlite3 CLI measured ${listKinds.length} list kinds on the store file: ${seconds(t)} (${startLoad} -> ${load()})`);
  const exportCli = withExport && bigFile ? await exportFloor(bigFile) : undefined;
  const keepingCli = withKeeping && bigFile ? await keepingFloor(bigFile) : undefined;
  if (exportCli) console.log(`sqlite3 wrote the export's CSV of ${exportCli.rows} contacts in ${ms(exportCli.ms)} ms`);

  // The bare Worker runs from here to the end: its StoreCopy of the big store is placed while no
  // workerd has the store's file open (the app starts after).
  const bareState = join(stateDir, "bare-state");
  rmSync(bareState, { recursive: true, force: true });
  let bare: RunningWorker | undefined;
  if (bareBuilt && bigFile) {
    t = performance.now();
    bare = await startWorker({ root, script: bareBuilt.script, config: bareBuilt.config, persistTo: bareState, vars: {}, logFile: join(stateDir, "wrangler-dev-bare.log"), healthPath: "/" });
    await placeCopy(bare, bareState, bigFile, BIG_COPY);
    console.log(`bare Worker up at ${bare.url}, with a copy of the big store: ${seconds(t)}`);
  }

  const results: KindResult[] = [];
  let workerd: WorkerdPlan[] | undefined;
  let floors: Awaited<ReturnType<typeof measureFloors>> | undefined;
  const ledger = new Ledger();
  const taken = new Set(big?.contacts.flatMap((c) => c.phones.map((p) => p.e164)) ?? []);
  const fresh = new FreshNumbers(taken);
  const known = big ? new KnownCallers(big, opts.seed) : undefined;
  const rep: ResolveReport = {
    rows: [],
    noop: new Map(),
    known: new Map(),
    fresh: new Map(),
    doCall: new Map(),
    doCallPost: new Map(),
    doWrite: new Map(),
    bareNoop: new Map(),
    bareKnown: new Map(),
    bareFresh: new Map(),
    bursts: [],
    context: new Map(),
  };
  let tenantsRep: TenantsReport | undefined;
  let sizesSummary: string | undefined;
  let exportSummary: string | undefined;
  let keepingSummary: string | undefined;
  const sectionTimes: string[] = [];
  const logRow = (r: LoadResult) => {
    loads.push(r.load);
    console.log(`  ${r.scenario} c=${r.concurrency}: ${r.rps.toFixed(0)} req/s, p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms${r.errors ? `, ${r.errors} errors` : ""} (load ${r.load.toFixed(1)})`);
  };

  try {
    if (big && bare && known && (listKinds.length || withResolve || withTenants || exportCli || withKeeping)) {
      t = performance.now();
      let worker = await startApp(ctx);
      console.log(`wrangler dev up at ${worker.url}: ${seconds(t)}`);
      const cookie = { cookie: sessionCookie(big.org.sessionToken, secret) };
      const searchKind: ListKind = { name: "", note: "", route: "list", search: commonFirstName(big), sort: "recently_added", tagIds: [], page: 0 };
      try {
        if (listKinds.length) {
          floors = await measureFloors(worker.url, bare.url, cookie, opts.runs);
          console.log(`GET /api/me p50 ${ms(floors.me.p50)} ms vs no-op ${ms(floors.noop.p50)} ms; bare Worker: no-op ${ms(floors.bareNoop.p50)} ms, empty DO call ${ms(floors.doCall.p50)} ms (${load()})`);
          t = performance.now();
          startLoad = load();
          for (const [i, kind] of listKinds.entries()) {
            const statements = (cli[i] as KindResult["cli"]).statements.map((st) => st.sql);
            const measured = await measureWorker(worker.url, cookie, kind, opts.runs, { url: bare.url, copy: BIG_COPY, statements });
            results.push({ kind, worker: measured, cli: cli[i] as KindResult["cli"], load: loadNow() });
            if (measured.timedOut) {
              // The abandoned query is still running in the store and would delay every later request.
              console.log(`${kind.name}: a request took over ${REQUEST_TIMEOUT_MS / 1000} s; restarting the Worker`);
              await worker.stop();
              worker = await startApp(ctx);
            }
          }
          sectionTimes.push(`list kinds through the Worker ${seconds(t)}`);
          console.log(`Worker measured ${listKinds.length} list kinds: ${seconds(t)} (${startLoad} -> ${load()})`);
        }
        if (exportCli) {
          t = performance.now();
          const exported = await exportThroughWorker(worker.url, cookie);
          const r = exportReport(exported, exportCli);
          console.log(`\nExport (load ${load()}):\n${r.text}`);
          exportSummary = r.summary;
          loads.push(loadNow());
          sectionTimes.push(`export ${seconds(t)}`);
        }
        if (withKeeping) {
          t = performance.now();
          const r = await keepingSection(worker.url, cookie, big, keepingCli);
          console.log(`\n${r.text}`);
          keepingSummary = r.summary;
          sectionTimes.push(`keeping ${seconds(t)}`);
        }
        if (withResolve) {
          t = performance.now();
          startLoad = load();
          console.log(`resolve: per concurrency ${ROUNDS} interleaved rounds of ${(opts.durationMs / ROUNDS / 1000).toFixed(1)} s per scenario, after 0.5 s warm-up each:`);
          await resolveSection(worker, bare, { data: big, opts, fresh, known, withHistory: contextCallers(big, opts.seed), searchUrl: kindUrl(worker.url, searchKind), searchHeaders: cookie }, ledger, rep, logRow);
          sectionTimes.push(`resolve ${seconds(t)}`);
        }
        if (withTenants) {
          t = performance.now();
          const c = opts.concurrencies.includes(10) ? 10 : (opts.concurrencies[Math.floor(opts.concurrencies.length / 2)] as number);
          console.log(`tenants: ${tenants.length} small stores beside the big one, c=${c}, ${ROUNDS} interleaved rounds:`);
          const loadRep = await tenantsLoad({
            app: worker,
            bare,
            tenants,
            big,
            bigCallers: () => known.pick(),
            seed: opts.seed,
            concurrency: c,
            durationMs: opts.durationMs,
            rounds: ROUNDS,
            search: { kind: searchKind, headers: cookie },
            log: logRow,
          });
          const small = tenants[0] as Dataset;
          const cold = await coldStarts({
            restart: async () => {
              await worker.stop();
              worker = await startApp(ctx);
              return worker;
            },
            bigCookie: cookie.cookie,
            smallCookie: sessionCookie(small.org.sessionToken, secret),
            trials: 3,
            warmRuns: 20,
          });
          tenantsRep = { ...loadRep, cold };
          for (const line of coldLines(cold)) console.log(`  cold start: ${line}`);
          sectionTimes.push(`tenants ${seconds(t)}`);
        }
      } finally {
        await worker.stop();
      }
    }
    if (withResolve && bigFile) {
      t = performance.now();
      rep.integrity = await integrity(bigFile, ledger);
      await deleteResolveStubs(bigFile);
      const [after] = await queryRows<{ n: number; s: number }>(bigFile, "SELECT count(*) AS n, (SELECT contact_count FROM contact_stats) AS s FROM contacts");
      console.log(
        `integrity checked with sqlite3 on the store file and the run's ${rep.integrity.stubsCreated} stubs deleted: ${seconds(t)};` +
          ` contacts now ${after?.n} (contact_stats ${after?.s}, loaded ${big?.contacts.length})`,
      );
      if (known) {
        t = performance.now();
        rep.cli = await resolveSqlInCli(bigFile, join(stateDir, "resolve-timing.sqlite"), known.callers, new FreshNumbers(taken));
        console.log(`the resolve's SQL timed in the sqlite3 CLI on a copy of the store file: ${seconds(t)}`);
      }
    }
    // Plans from workerd's own SQLite, on a fresh copy of the store (the app's Worker has stopped).
    if (results.length && bigFile && bare) {
      const statements = results.flatMap((r) => r.cli.statements.map((st) => st.sql));
      const name = `plans-${Date.now()}`;
      const remove = await placeCopy(bare, bareState, bigFile, name);
      workerd = await workerdPlans(bare, name, statements, 6);
      await bare.stop();
      remove();
    }
  } finally {
    await bare?.stop();
  }
  files = await storeFiles(stateDir);

  const problems = mismatches(results);
  const maxLoad = Math.max(...loads);
  if (maxLoad > cpus().length * 0.75) {
    problems.push(
      `1-minute load average reached ${maxLoad.toFixed(1)} on ${cpus().length} CPUs while measuring: other processes competed for the CPU, latencies are inflated`,
    );
  }

  const searchResults = results.filter((r) => r.kind.route === "list");
  const assignResults = results.filter((r) => r.kind.route === "assignments");
  const failedKinds: KindResult[] = [];
  const floorNote =
    `floor = no-op + sqlite3: the no-op route (GET /api/health, one request before each of the kind's, same connection reuse) plus the same statements in the sqlite3 CLI on the store's file` +
    ` (one warm process; per run the user+sys CPU time, or the wall time when the shell's 1 ms clock says it waited longer); x floor = worker / floor at p50 and at p95.`;
  if (floors) {
    const ratio = floors.me.p50 / floors.noop.p50;
    console.log("\nSigned-in floor, ms (the four requests alternately; the owner's session cookie):\n");
    console.log(
      table(
        ["route", "p50", "p95", "x no-op p50", "vs target"],
        [
          ["no-op GET /api/health", ms(floors.noop.p50), ms(floors.noop.p95), "", ""],
          ["GET /api/me (reads no contact data)", ms(floors.me.p50), ms(floors.me.p95), `${ratio.toFixed(2)}x`, ratio <= ME_TARGET ? "PASS" : `FAIL p50>${ME_TARGET}x`],
          ["bare Worker: no-op", ms(floors.bareNoop.p50), ms(floors.bareNoop.p95), "", ""],
          ["bare Worker: one empty Durable Object call", ms(floors.doCall.p50), ms(floors.doCall.p95), `${(floors.doCall.p50 / floors.bareNoop.p50).toFixed(2)}x bare`, ""],
        ],
      ),
    );
    console.log(
      `  GET /api/me - no-op = ${ms(floors.me.p50 - floors.noop.p50, 2)} ms at p50: the session check (principal remembered per isolate for 5 s, then better-auth's D1 reads)` +
        ` and one store RPC (settings(): GET /api/me answers the organization's default region from the store), whose empty-call cost alone is ${ms(floors.doCall.p50 - floors.bareNoop.p50, 2)} ms.`,
    );
  }
  if (searchResults.length) {
    const { text, failed } = report(searchResults);
    failedKinds.push(...failed);
    console.log(`\nContact list+search on the ${big?.contacts.length.toLocaleString("en-US")}-contact store, ms (worker = HTTP GET /api/contacts/list through wrangler dev; ${floorNote}):\n`);
    console.log(text);
    console.log("\nQuery values:");
    for (const k of searchKinds) console.log(`  ${k.name.padEnd(26)} ${k.note}`);
    console.log("\nStatements per request (sqlite3 p50 each; \"load contacts\" = CONTACTS_JSON for the page's ids):");
    for (const r of searchResults) console.log(`  ${r.kind.name.padEnd(26)} ${statementSplit(r)}`);
    if (searchResults.some((r) => r.worker.bare.length)) {
      console.log(`\nWhere a request's median goes, ms (p50s of requests sampled alternately, so the parts only roughly add up; see the notes):\n`);
      console.log(splitTable(searchResults));
    }
  }
  if (assignResults.length) {
    const { text, failed } = report(assignResults);
    failedKinds.push(...failed);
    console.log(`\nAssignments, ms (worker = HTTP GET /api/contacts/assignments, admin session; sqlite3 = the view's counters, member check and count, the list statements and the 25 contacts):\n`);
    console.log(text);
    console.log("\nAssignment kinds:");
    for (const k of assignKinds) console.log(`  ${k.name.padEnd(26)} ${k.note}`);
    console.log("\nStatements per request (sqlite3 p50 each):");
    for (const r of assignResults) console.log(`  ${r.kind.name.padEnd(26)} ${statementSplit(r)}`);
    if (assignResults.some((r) => r.worker.bare.length)) {
      console.log(`\nWhere a request's median goes, ms:\n`);
      console.log(splitTable(assignResults));
    }
  }
  if (listKinds.length) {
    console.log(
      `\nNotes: worker figures are the whole request: HTTP through wrangler dev's proxy, the session check (remembered per isolate for 5 s,` +
        ` then D1), one RPC to the organization's store, which runs the list statements and loads the 25 full contacts in one transaction, and the JSON answer.` +
        ` Time split: after each app request the bench also sends, to the bare Worker (scripts/bench/bare-worker.js, a copy of the store's file in a Durable Object),` +
        ` its no-op, an empty Durable Object call, the same GET (the app's own zod query schema and the store's own listContacts / listAssignments, without the app's router,` +
        ` middleware, auth and RPC answer wrapping) and the kind's statements as raw SQL in one transaction; app layers = (worker - no-op) - (bare GET - bare no-op),` +
        ` DO call = empty call - bare no-op, SQL in workerd = raw SQL - empty call, store JS and answer = bare GET - raw SQL. KB: the JSON answer, uncompressed.` +
        ` rows_read is the x-rows-read header (rows SQLite read for the list statements only, not the contacts' loading). n w/s: timed samples through the Worker / sqlite3` +
        ` (fewer than --runs when a kind exceeds its time budget). load: 1-minute load average when the kind's Worker samples ended.` +
        ` Targets: worker p50 <= ${TARGETS.floorP50}x and p95 <= ${TARGETS.floorP95}x the floor; also, from the D1 bench, worker p95 <= ${TARGETS.p95Ms} ms and rows_read <= ${TARGETS.rowsRead}.`,
    );
  }
  if (withResolve) {
    console.log(
      `\nResolve throughput (closed loop: c clients, each on its own keep-alive connection, sends its next request when the answer is read;` +
        ` per c the rows ran as ${ROUNDS} interleaved rounds, ${opts.durationMs / 1000} s per row in all, after 0.5 s warm-up; API key auth;` +
        ` bare Worker = scripts/bench/bare-worker.js, running alongside; load = highest 1-minute load average at the end of the row's rounds):\n`,
    );
    console.log(resolveTable(rep));
    if (rep.mixed) {
      const unloaded = searchResults.find((r) => r.kind.name === "common first name");
      const u = unloaded ? summarize(unloaded.worker.samples) : undefined;
      console.log(
        `\nDuring the "while 2 clients search" row: ${rep.mixed.search.completed} searches for "${big ? commonFirstName(big) : ""}" by 2 clients, p50 ${ms(rep.mixed.search.p50)} ms, p95 ${ms(rep.mixed.search.p95)} ms` +
          (u ? ` (alone, from the search table: p50 ${ms(u.p50)} ms, p95 ${ms(u.p95)} ms)` : "") +
          (rep.mixed.search.errors ? `, ${rep.mixed.search.errors} errors` : "") +
          ".",
      );
    }
    for (const b of rep.bursts) if (b.errors) console.log(`  ${b.label} burst: first error ${b.firstError}`);
    if (rep.doCall.size) console.log(`\nWhere a resolve's time goes:\n  ${breakdown(rep, opts.concurrencies).join("\n  ")}`);
    console.log(
      `\nResolve targets: ${resolveVerdicts(rep, opts.concurrencies)
        .map(([label, ok, detail]) => `\n  ${ok ? "PASS" : "FAIL"} ${label}: ${detail}`)
        .join("")}`,
    );
    if (rep.integrity) {
      console.log(`  (checked with sqlite3 on the store file after the Workers stopped; ${fresh.issued} new numbers sent in all)`);
    }
  }
  if (tenantsRep) {
    console.log(
      `\nTenants: ${tenants.length} organizations of ${TENANTS.contacts} contacts, each in its own store, beside the ${big?.contacts.length.toLocaleString("en-US")}-contact one` +
        ` (each spread request: a random small organization's API key and one of its contacts' numbers; search load = 2 clients looping "${big ? commonFirstName(big) : ""}" in the big store):\n`,
    );
    console.log(tenantsTable(tenantsRep));
    const m = tenantsRep.search;
    console.log(`\n  meanwhile ${m.completed} searches in the big store, p50 ${ms(m.p50)} ms, p95 ${ms(m.p95)} ms${m.errors ? `, ${m.errors} errors` : ""}`);
    if (tenantsRep.cold) {
      console.log(
        `\nCold start (wrangler dev restarted, isolate warmed with 10 x GET /api/health, the owner's session with GET /api/api-keys (D1 only), then the first GET /api/contacts/list;` +
          ` the store's file stays in the OS page cache, so this is a new object, not a cold disk):`,
      );
      for (const line of coldLines(tenantsRep.cold)) console.log(`  ${line}`);
    }
    console.log(
      `\nTenants targets: ${tenantsVerdicts(tenantsRep)
        .map(([label, ok, detail]) => `\n  ${ok ? "PASS" : "FAIL"} ${label}: ${detail}`)
        .join("")}`,
    );
  }
  let webhooksRep: WebhooksReport | undefined;
  if (has("webhooks")) {
    t = performance.now();
    console.log(`\nWebhooks (${WEBHOOKS.updates} contact updates at concurrency ${WEBHOOKS.concurrency} over ${WEBHOOKS.contacts} contacts of an organization of their own):`);
    const worker = await startApp(ctx);
    load();
    try {
      webhooksRep = await webhooksSection(worker.url, (line) => console.log(`  ${line} (${load()})`));
    } finally {
      await worker.stop();
    }
    for (const line of webhooksLines(webhooksRep)) console.log(`  ${line}`);
    sectionTimes.push(`webhooks ${seconds(t)}`);
  }
  let importSummary: string | undefined;
  if (has("import")) {
    t = performance.now();
    const files = importFiles(opts.seed);
    console.log(`\nImport (a ${files.rows.toLocaleString("en-US")}-row CSV of ${(files.file.length / 1e6).toFixed(1)} MB; 5% of its rows match existing contacts, ${files.bad} malformed):`);
    const floor = await importFloor(root, files);
    console.log(`  sqlite3 imported the file in ${ms(floor.ms)} ms (${load()})`);
    const worker = await startApp(ctx);
    try {
      const { best, resolve } = await importsThroughApp(worker.url, files, (line) => console.log(`  ${line} (${load()})`));
      loads.push(loadNow());
      const r = importReport(best, floor, files);
      console.log(r.text);
      console.log(`  ${resolveDuringImportLine(resolve)}`);
      importSummary = `${r.summary}; ${resolveDuringImportLine(resolve)}`;
    } finally {
      await worker.stop();
    }
    sectionTimes.push(`import ${seconds(t)}`);
  }
  if (sizes) {
    t = performance.now();
    console.log("\nSizes:\n");
    const sized = await sizesSection(stateDir, sizes, big, files);
    for (const line of sized.lines) console.log(line);
    sizesSummary = sized.summary;
    sectionTimes.push(`sizes ${seconds(t)}`);
  }
  if (problems.length) console.log(`\nConsistency warnings:\n  ${problems.join("\n  ")}`);

  // Query plans for the kinds that miss a target (apart from the floor ratios, which say nothing
  // about a plan), whose plans differ between the engines, or all with --plans: the sqlite3 CLI's
  // and workerd's own (the bare Worker on a copy of the store file), with workerd's rows read.
  if (results.length && bigFile && workerd) {
    const plans = workerd;
    const statements = results.flatMap((r) => r.cli.statements.map((st) => st.sql));
    const cliPlans: string[] = [];
    for (const sql of statements) cliPlans.push(await explain(bigFile, sql));
    const shape = (plan: string | undefined) => (plan ?? "").split("\n").map((l) => l.replace(/^[\s|`-]+/, "")).join("\n");
    const ranges: { r: KindResult; range: (KindResult["cli"]["statements"][number] & { at: number })[] }[] = [];
    let j = 0;
    for (const r of results) {
      ranges.push({ r, range: r.cli.statements.map((st, k) => ({ ...st, at: j + k })) });
      j += r.cli.statements.length;
    }
    const kindName = (r: KindResult) => `${r.kind.route === "assignments" ? "a/" : ""}${r.kind.name}`;
    console.log("\nRows read per statement by workerd's SQLite (the bare Worker on a copy of the store; x-rows-read counts the list statements, not \"load …\"):");
    for (const { r, range } of ranges) {
      console.log(`  ${kindName(r).padEnd(28)} ${range.map(({ label, at }) => `${label} ${plans[at]?.rowsRead}`).join(" + ")}`);
    }
    const printed = new Set<string>();
    const printedShapes = new Map<string, string>();
    for (const { r, range } of ranges) {
      const differs = range.some(({ at }) => shape(plans[at]?.plan) !== shape(cliPlans[at]));
      const fails = verdict(r).fails.filter((f) => !f.includes("xfloor"));
      if (!opts.plans && !differs && fails.length === 0) continue;
      const why = [...fails, ...(differs ? ["workerd's plan differs from the sqlite3 CLI's"] : [])];
      console.log(`\nEXPLAIN QUERY PLAN — ${kindName(r)}${why.length ? ` (${why.join(", ")})` : ""}`);
      for (const { label, sql, at } of range) {
        const w = plans[at];
        const planKey = `${label}\n${shape(w?.plan)}\n${shape(cliPlans[at])}`;
        if (printed.has(sql) || printedShapes.has(planKey)) {
          console.log(`  ${label}: (${printed.has(sql) ? "same statement" : `same plans as for ${printedShapes.get(planKey)}`}) rows ${w?.rows}, rows read ${w?.rowsRead}`);
          continue;
        }
        printed.add(sql);
        printedShapes.set(planKey, kindName(r));
        console.log(`  ${label}: ${brief(sql)}\n    workerd (rows ${w?.rows}, rows read ${w?.rowsRead}):\n${w?.plan}\n    sqlite3 CLI:\n${cliPlans[at]}`);
      }
    }
  }

  const lines: string[] = [];
  if (floors) {
    const ratio = floors.me.p50 / floors.noop.p50;
    lines.push(`GET /api/me p50 ${ratio.toFixed(2)}x the no-op route (target <= ${ME_TARGET}x): ${ratio <= ME_TARGET ? "PASS" : "FAIL"}.`);
  }
  if (results.length) {
    const failing = (prefix: string) => results.filter((r) => verdict(r).fails.some((f) => f.startsWith(prefix))).map((r) => `${r.kind.route === "assignments" ? "a/" : ""}${r.kind.name}`);
    const line = (label: string, names: string[]) => `${label}: ${results.length - names.length}/${results.length}${names.length ? ` (failing: ${names.join(", ")})` : ""}`;
    lines.push(
      `${results.length - failedKinds.length}/${results.length} list kinds meet every target. ` +
        [
          line(`p50 <= ${TARGETS.floorP50}x floor`, failing(`p50>${TARGETS.floorP50}x`)),
          line(`p95 <= ${TARGETS.floorP95}x floor`, failing(`p95>${TARGETS.floorP95}x`)),
          line(`worker p95 <= ${TARGETS.p95Ms} ms`, failing(`p95>${TARGETS.p95Ms}ms`)),
          line(`rows_read <= ${TARGETS.rowsRead}`, failing("rows")),
        ].join("; ") +
        ".",
    );
  }
  for (const [name, v] of [
    ["Resolve", withResolve ? resolveVerdicts(rep, opts.concurrencies) : []],
    ["Tenants", tenantsRep ? tenantsVerdicts(tenantsRep) : []],
  ] as const) {
    if (v.length) lines.push(`${name}: ${v.filter(([, ok]) => ok).length}/${v.length} targets met${v.some(([, ok]) => !ok) ? ` (failing: ${v.filter(([, ok]) => !ok).map(([l]) => l).join("; ")})` : ""}.`);
  }
  if (webhooksRep) lines.push(`Webhooks: ${webhooksLines(webhooksRep).slice(1).join("; ")}.`);
  if (sizesSummary) lines.push(`Sizes per record on disk: ${sizesSummary}.`);
  if (exportSummary) lines.push(`${exportSummary}.`);
  if (keepingSummary) lines.push(`${keepingSummary}.`);
  if (importSummary) lines.push(`${importSummary}.`);
  const low = Math.min(...loads);
  console.log(
    `\nSUMMARY: ${lines.join(" ")} 1-minute load average during measurement ${low.toFixed(1)}..${maxLoad.toFixed(1)} on ${cpus().length} CPUs.` +
      ` Total bench time ${seconds(started)}${sectionTimes.length ? ` (${sectionTimes.join(", ")})` : ""}.`,
  );
}

const interrupt = (signal: string) => {
  killWorkers();
  console.error(`bench: ${signal}, stopped`);
  process.exit(130);
};
process.on("SIGINT", () => interrupt("SIGINT"));
process.on("SIGTERM", () => interrupt("SIGTERM"));
process.on("exit", killWorkers);

main().catch((err: unknown) => {
  killWorkers();
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
