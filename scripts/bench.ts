/**
 * `npm run bench`: loads a deterministic 100,000-contact organization into a local D1 database
 * (bench-state/, gitignored) and measures, through the running Worker (`wrangler dev`):
 *
 *   search       GET /api/contacts/list for 17 query kinds, next to the same SQL run by the
 *                sqlite3 shell on the same database file, with the route's Server-Timing D1 time;
 *   assignments  GET /api/contacts/assignments (admin session) for each sort and member filter,
 *                a tag filter and a search, next to the same SQL in sqlite3;
 *   resolve      POST /api/contacts/resolve (API key) at several concurrencies, for a hot known
 *                number and all-new numbers, next to GET /api/health and a bare Worker doing one
 *                D1 batch per request; a same-number burst; hot resolves while two clients loop a
 *                search; afterwards duplicates and orphan stubs counted with sqlite3, then the
 *                stubs the run created deleted again.
 *
 * Options: --contacts N (default 100000), --runs N (timed requests per list kind, default 50),
 * --seed S, --plans (print EXPLAIN QUERY PLAN for every list kind; by default only for the kinds
 * that miss the latency or rows target or whose plan in workerd differs from the sqlite3 CLI's),
 * --only LIST (comma-separated: a section name `search`, `assignments`, `resolve`; or
 * `search:TEXT` / `assignments:TEXT` for that section's kinds whose name contains TEXT; or a bare
 * TEXT for the search and assignments kinds whose name contains TEXT), --duration S (seconds per
 * timed resolve run, default 3), --concurrency LIST (default 1,10,50), --reuse (keep
 * bench-state/ if it already holds the same contacts, seed, loader and migrations, instead of
 * reloading; for iterating on the bench).
 *
 * The Worker is bundled once (`wrangler deploy --dry-run`), right at the start, and served with
 * `wrangler dev --no-bundle` from a copy of wrangler.toml in bench-state/ whose assets directory
 * is a placeholder, so neither edits to worker/** nor a `vite build` or wrangler.toml edit during
 * a run can reload it mid-measurement.
 *
 * Authentication: the loader inserts the owner's better-auth `session` row directly and the
 * bench sends the signed `better-auth.session_token` cookie (see bench/worker.ts); the Worker
 * runs with a random BETTER_AUTH_SECRET passed as --var. The pipeline routes get the loader's
 * API key (api_keys.key_hash = sha256 of a secret derived from the seed).
 *
 * Benchmarks print figures; the exit code is 0 whether or not the targets are met.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, relative } from "node:path";
import process from "node:process";
import { assignmentKinds } from "./bench/assignments";
import { type Dataset, contactSql, describe, generate, setupSql } from "./bench/data";
import {
  type KindResult,
  type ListKind,
  D1_RESOLUTION_FLOOR_MS,
  REQUEST_TIMEOUT_MS,
  TARGETS,
  kindUrl,
  measureCli,
  measureWorker,
  mismatches,
  report,
  statementSplit,
  verdict,
} from "./bench/listing";
import {
  BackgroundLoop,
  FreshNumbers,
  type Integrity,
  Ledger,
  type LoadResult,
  type LoadSpec,
  type ResolveReport,
  type ResolveTarget,
  Scenario,
  buildBatchWorker,
  copyDatabase,
  breakdown,
  hotSpec,
  interleave,
  newSpec,
  resolveTable,
  resolveVerdicts,
  sameNumberBurst,
} from "./bench/resolve";
import { commonFirstName, queryKinds } from "./bench/search";
import { queryRows, runSqlite, sqlString } from "./bench/sqlite";
import { ms, seconds, summarize } from "./bench/stats";
import { type RunningWorker, appConfig, buildWorker, killWorkers, sessionCookie, startWorker, timedGet, workerdPlans, wrangler } from "./bench/worker";

const SECTIONS = ["search", "assignments", "resolve"] as const;
type Section = (typeof SECTIONS)[number];
/** Bump when the loader writes different rows, so --reuse reloads. */
const LOADER_VERSION = 2;

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
    else if (section === "resolve") throw new Error("--only resolve takes no kind filter (its runs depend on each other)");
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

function findSqliteFile(stateDir: string): string {
  const dir = join(stateDir, "v3/d1/miniflare-D1DatabaseObject");
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite") : [];
  if (files.length !== 1) throw new Error(`expected one D1 database file in ${dir}, found ${files.length}`);
  return join(dir, files[0] as string);
}

/** Removes the stubs resolve runs create (source inbound_call; the loader never writes that source). */
async function deleteResolveStubs(file: string, orgId: string): Promise<void> {
  const org = sqlString(orgId);
  await runSqlite(
    file,
    `BEGIN;
DELETE FROM contact_phones WHERE contact_id IN (SELECT id FROM contacts WHERE organization_id = ${org} AND source = 'inbound_call');
DELETE FROM contacts WHERE organization_id = ${org} AND source = 'inbound_call';
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
`,
  );
}

async function loadDatabase(root: string, stateDir: string, data: Dataset, opts: Options): Promise<string> {
  const marker = join(stateDir, "loaded.json");
  const migrationsDir = join(root, "migrations");
  const migrations = createHash("sha256");
  for (const f of readdirSync(migrationsDir).filter((f) => f.endsWith(".sql")).sort()) {
    migrations.update(f).update(readFileSync(join(migrationsDir, f)));
  }
  const stamp = JSON.stringify({ loader: LOADER_VERSION, contacts: data.contacts.length, seed: opts.seed, migrations: migrations.digest("hex").slice(0, 16) });
  if (opts.reuse && existsSync(marker) && readFileSync(marker, "utf8") === stamp) {
    console.log("reusing the database loaded by an earlier run (--reuse)");
    const file = findSqliteFile(stateDir);
    // The owner's session may have expired since; give it another 30 days. Stubs left by an
    // interrupted resolve run go.
    await runSqlite(file, `UPDATE session SET expires_at = ${Date.now() + 30 * 86_400_000} WHERE token = ${sqlString(data.org.sessionToken)};\n`);
    await deleteResolveStubs(file, data.org.organizationId);
    return file;
  }
  rmSync(stateDir, { recursive: true, force: true });
  let t = performance.now();
  await wrangler(root, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir]);
  console.log(`migrations applied (wrangler d1 migrations apply --local): ${seconds(t)}`);
  const file = findSqliteFile(stateDir);

  t = performance.now();
  // One sqlite3 process; contacts go in 2,000 per transaction with their phones, emails, tags
  // and assignments, and the migrations' triggers keep contact_search and organization_stats in sync.
  await runSqlite(file, [
    "PRAGMA synchronous = OFF;\n",
    setupSql(data),
    ...contactSql(data),
    "ANALYZE;\nPRAGMA wal_checkpoint(TRUNCATE);\n",
  ]);
  console.log(`loaded ${data.contacts.length.toLocaleString("en-US")} contacts with sqlite3 (triggers on, then ANALYZE): ${seconds(t)}`);

  const [check] = await queryRows<Record<string, number>>(
    file,
    `SELECT (SELECT count(*) FROM contacts) AS contacts,
      (SELECT count(*) FROM contact_phones) AS phones,
      (SELECT count(*) FROM contact_emails) AS emails,
      (SELECT count(*) FROM contact_tags) AS contact_tags,
      (SELECT count(*) FROM contact_user) AS contact_user,
      (SELECT count(*) FROM member) AS members,
      (SELECT count(*) FROM api_keys) AS api_keys,
      (SELECT count(*) FROM contact_search) AS fts_rows,
      (SELECT contact_count FROM organization_stats) AS stats_count`,
  );
  console.log(`database: ${JSON.stringify(check)} (${relative(root, file)})`);
  if (check?.fts_rows !== data.contacts.length || check?.stats_count !== data.contacts.length) {
    throw new Error("the FTS index or organization_stats is out of step with contacts");
  }
  writeFileSync(marker, stamp);
  return file;
}

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

/** Rounds each resolve scenario's --duration is split into, interleaved with the others. */
const ROUNDS = 3;

interface ResolveSetup {
  data: Dataset;
  opts: Options;
  fresh: FreshNumbers;
  apiKey: string;
  searchUrl: string;
  searchHeaders: Record<string, string>;
}

/**
 * The resolve section, on the app's Worker and the one-batch baseline Worker (both running).
 * Per concurrency, every scenario runs in 3 interleaved rounds, so the ratios compare figures
 * taken under the same background load.
 */
async function resolveSection(app: RunningWorker, bare: RunningWorker, s: ResolveSetup, ledgers: { app: Ledger; bare: Ledger }, rep: ResolveReport) {
  const { data, opts } = s;
  const hotContact = data.contacts.slice(Math.floor(data.contacts.length / 2)).find((c) => c.phones.length > 0);
  if (!hotContact?.phones[0]) throw new Error("no contact with a phone for the hot number");
  const hot = { phone: hotContact.phones[0].e164, contactId: hotContact.id };
  const appTarget: ResolveTarget = { label: "resolve", url: `${app.url}/api/contacts/resolve`, headers: { authorization: `Bearer ${s.apiKey}` } };
  const bareTarget: ResolveTarget = { label: "one D1 batch", url: `${bare.url}/`, headers: {} };
  const plan = { durationMs: opts.durationMs, rounds: ROUNDS, warmupMs: 500 };
  const log = (r: LoadResult) => {
    loads.push(r.load);
    console.log(`  ${r.scenario} c=${r.concurrency}: ${r.rps.toFixed(0)} req/s, p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms${r.errors ? `, ${r.errors} errors` : ""} (load ${r.load.toFixed(1)})`);
  };
  for (const c of opts.concurrencies) {
    const results = await interleave(
      [
        new Scenario({ scenario: "no-op GET /api/health", url: `${app.url}/api/health`, concurrency: c }),
        new Scenario(hotSpec(appTarget, hot, c)),
        new Scenario(newSpec(appTarget, s.fresh, ledgers.app, c)),
        new Scenario({ ...newSpec(bareTarget, s.fresh, ledgers.bare, c), scenario: "one D1 batch (bare Worker): all-new numbers" }),
        new Scenario({ scenario: "empty Durable Object call (bare Worker)", url: `${bare.url}/do-ping`, concurrency: c }),
        new Scenario({
          ...newSpec({ ...bareTarget, url: `${bare.url}/via-do` }, s.fresh, ledgers.bare, c),
          scenario: "one D1 batch in a Durable Object (bare Worker): all-new numbers",
        }),
        new Scenario({ scenario: "no-op (bare Worker): GET /", url: `${bare.url}/`, concurrency: c }),
      ],
      plan,
    );
    const maps = [rep.noop, rep.hot, rep.fresh, rep.batch, rep.doCall, rep.batchInDo, rep.bareNoop];
    results.forEach((r, i) => {
      rep.rows.push(r);
      maps[i]?.set(c, r);
      log(r);
    });
  }
  for (const [label, target, ledger] of [
    ["resolve", appTarget, ledgers.app],
    ["one D1 batch (bare Worker, no Durable Object)", bareTarget, ledgers.bare],
  ] as const) {
    const burst = await sameNumberBurst(target, s.fresh, ledger, 10, 50);
    rep.bursts.push({ label, ...burst });
    console.log(`  ${label} same-number burst: ${burst.bad}/${burst.numbers} numbers wrong, ${burst.errors} errors`);
  }

  // Mixed: hot known resolves alone, then while two clients loop the common-name search, interleaved.
  const c = opts.concurrencies.includes(10) ? 10 : (opts.concurrencies[Math.floor(opts.concurrencies.length / 2)] as number);
  const searches = new BackgroundLoop(s.searchUrl, s.searchHeaders, 2);
  const loadedSpec = { ...hotSpec(appTarget, hot, c), scenario: "resolve: hot known, while 2 clients search" };
  // The same for the no-op route: what any request, however cheap, keeps under that search load.
  const noopSpec = { scenario: "no-op GET /api/health", url: `${app.url}/api/health`, concurrency: c };
  const noopLoadedSpec = { ...noopSpec, scenario: "no-op GET /api/health, while 2 clients search" };
  const loadedSpecs: LoadSpec[] = [loadedSpec, noopLoadedSpec];
  try {
    const [unloaded, loaded, noopUnloaded, noopLoaded] = await interleave(
      [
        new Scenario({ ...hotSpec(appTarget, hot, c), scenario: "resolve: hot known, alone (paired)" }),
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

async function integrity(file: string, orgId: string, ledger: Ledger): Promise<Integrity> {
  const org = sqlString(orgId);
  const [row] = await queryRows<Record<string, number>>(
    file,
    `SELECT
      (SELECT count(*) FROM (SELECT phone_number, count(*) FROM contact_phones GROUP BY organization_id, phone_number HAVING count(*) > 1)) AS duplicates,
      (SELECT count(*) FROM contacts c WHERE c.organization_id = ${org} AND c.source = 'inbound_call'
        AND NOT EXISTS (SELECT 1 FROM contact_phones p WHERE p.contact_id = c.id)) AS orphans,
      (SELECT count(*) FROM contacts WHERE organization_id = ${org} AND source = 'inbound_call') AS stubs,
      (SELECT count(*) FROM contact_phones p JOIN contacts c ON c.id = p.contact_id
        WHERE c.organization_id = ${org} AND c.source = 'inbound_call') AS stub_phones,
      (SELECT contact_count FROM organization_stats WHERE organization_id = ${org}) AS stats_count,
      (SELECT count(*) FROM contacts WHERE organization_id = ${org}) AS contacts`,
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
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const root = process.cwd();
  if (!existsSync(join(root, "wrangler.toml"))) throw new Error("run from the repository root (npm run bench)");
  const stateDir = join(root, "bench-state");
  const started = performance.now();
  const [sqliteVersion] = await queryRows<{ v: string }>(":memory:", "SELECT sqlite_version() AS v");
  console.log(
    `bench: ${opts.contacts.toLocaleString("en-US")} contacts, sections ${[...opts.only.keys()].join(", ")}, ${opts.runs} timed runs per list kind (after 5 warm-up), ` +
      `node ${process.version}, sqlite3 CLI ${sqliteVersion?.v}, ${cpus().length} CPUs, ${load()} at start`,
  );

  let t = performance.now();
  const data = generate(opts.contacts, opts.seed);
  const d = describe(data);
  console.log(
    `generated (seed "${opts.seed}") in ${seconds(t)}: ${d.phonesPerContact.toFixed(2)} phones and ${d.emailsPerContact.toFixed(2)} emails per contact, ` +
      `${(100 * d.stubShare).toFixed(1)}% stubs, ${(100 * d.taggedShare).toFixed(1)}% tagged, ${(100 * d.contactedShare).toFixed(1)}% with last_contacted_at, ` +
      `${(100 * d.assignedShare).toFixed(1)}% assigned (${d.assignmentRows.toLocaleString("en-US")} assignments over ${data.members.length} members)`,
  );

  const file = await loadDatabase(root, stateDir, data, opts);
  const orgId = data.org.organizationId;
  const searchKinds = selected(opts, "search", queryKinds(data));
  const assignKinds = selected(opts, "assignments", assignmentKinds(data));
  const listKinds = [...searchKinds, ...assignKinds];
  const withResolve = opts.only.has("resolve");

  // Bundle first: the Worker is frozen as close as possible to the moment this process imported
  // the worker code it reproduces (listQueries, runList) for the sqlite3 side.
  t = performance.now();
  const secret = randomBytes(32).toString("hex");
  const config = appConfig(root, join(stateDir, "app-worker"));
  const script = await buildWorker(root, join(stateDir, "app-worker/build"), config);
  const batchBuilt = withResolve ? await buildBatchWorker(root, stateDir) : undefined;
  console.log(`Worker bundled${batchBuilt ? " (and the one-batch baseline Worker)" : ""}: ${seconds(t)}`);

  // sqlite3 first, while no other process has the file open.
  t = performance.now();
  let startLoad = load();
  const cli = [];
  for (const kind of listKinds) cli.push(await measureCli(file, kind, orgId, opts.runs));
  if (listKinds.length) console.log(`sqlite3 CLI measured ${listKinds.length} list kinds: ${seconds(t)} (${startLoad} -> ${load()})`);
  const bareState = join(stateDir, "batch-state");
  const bareFile = batchBuilt ? await copyDatabase(file, bareState) : undefined;

  t = performance.now();
  const start = () =>
    startWorker({ root, script, config, persistTo: stateDir, vars: { BETTER_AUTH_SECRET: secret }, logFile: join(stateDir, "wrangler-dev.log") });
  let worker = await start();
  console.log(`wrangler dev up at ${worker.url}: ${seconds(t)}`);
  const results: KindResult[] = [];
  let floor: { p50: number; p95: number } | undefined;
  const cookie = { cookie: sessionCookie(data.org.sessionToken, secret) };
  const ledgers = { app: new Ledger(), bare: new Ledger() };
  const rep: ResolveReport = { rows: [], noop: new Map(), hot: new Map(), fresh: new Map(), batch: new Map(), doCall: new Map(), batchInDo: new Map(), bareNoop: new Map(), bursts: [] };
  const searchKind: ListKind = { name: "", note: "", route: "list", search: commonFirstName(data), sort: "recently_added", tagIds: [], page: 0 };
  const fresh = new FreshNumbers(new Set(data.contacts.flatMap((c) => c.phones.map((p) => p.e164))));
  const sectionTimes: string[] = [];
  try {
    if (listKinds.length) {
      t = performance.now();
      startLoad = load();
      const health: number[] = [];
      for (let i = 0; i < 5 + opts.runs; i++) {
        const res = await timedGet(`${worker.url}/api/health`, {});
        if (i >= 5) health.push(res.ms);
      }
      floor = summarize(health);
      for (const [i, kind] of listKinds.entries()) {
        const measured = await measureWorker(worker.url, cookie, kind, opts.runs);
        results.push({ kind, worker: measured, cli: cli[i] as KindResult["cli"], load: loadNow() });
        if (measured.timedOut) {
          // The abandoned query is still running inside D1 and would delay every later request.
          console.log(`${kind.name}: a request took over ${REQUEST_TIMEOUT_MS / 1000} s; restarting the Worker`);
          await worker.stop();
          worker = await start();
        }
      }
      sectionTimes.push(`list kinds through the Worker ${seconds(t)}`);
      console.log(`Worker measured ${listKinds.length} list kinds: ${seconds(t)} (${startLoad} -> ${load()})`);
    }
    if (batchBuilt) {
      t = performance.now();
      const bare = await startWorker({
        root,
        script: batchBuilt.script,
        config: batchBuilt.config,
        persistTo: bareState,
        vars: { ORGANIZATION_ID: orgId },
        logFile: join(stateDir, "wrangler-dev-batch.log"),
        healthPath: "/",
      });
      try {
        startLoad = load();
        console.log(
          `resolve (baseline Worker up in ${seconds(t)}): per concurrency ${ROUNDS} interleaved rounds of ${(opts.durationMs / ROUNDS / 1000).toFixed(1)} s per scenario, after 0.5 s warm-up each:`,
        );
        await resolveSection(
          worker,
          bare,
          { data, opts, fresh, apiKey: data.apiKey.secret, searchUrl: kindUrl(worker.url, searchKind), searchHeaders: cookie },
          ledgers,
          rep,
        );
      } finally {
        await bare.stop();
      }
      sectionTimes.push(`resolve ${seconds(t)}`);
    }
  } finally {
    await worker.stop();
  }
  if (bareFile) {
    t = performance.now();
    rep.integrity = await integrity(file, orgId, ledgers.app);
    rep.batchIntegrity = await integrity(bareFile, orgId, ledgers.bare);
    rmSync(bareState, { recursive: true, force: true });
    await deleteResolveStubs(file, orgId);
    const [after] = await queryRows<{ n: number; s: number }>(
      file,
      `SELECT count(*) AS n, (SELECT contact_count FROM organization_stats WHERE organization_id = ${sqlString(orgId)}) AS s FROM contacts WHERE organization_id = ${sqlString(orgId)}`,
    );
    console.log(
      `integrity checked with sqlite3 on both databases, the baseline's copy removed and the app's ${rep.integrity.stubsCreated} stubs deleted: ${seconds(t)};` +
        ` contacts now ${after?.n} (organization_stats ${after?.s}, loaded ${data.contacts.length})`,
    );
  }

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
  if (searchResults.length) {
    const { text, failed } = report(searchResults);
    failedKinds.push(...failed);
    console.log("\nContact list+search, ms (worker = HTTP GET /api/contacts/list through wrangler dev; D1 = the route's server-timing d1;dur; sqlite3 = the same statements):\n");
    console.log(text);
    console.log("\nQuery values:");
    for (const k of searchKinds) console.log(`  ${k.name.padEnd(26)} ${k.note}`);
    const split = searchResults.filter((r) => r.cli.statements.length > 2);
    if (split.length) {
      console.log("\nStatements per request where the route runs more than page + count (sqlite3 p50 each):");
      for (const r of split) console.log(`  ${r.kind.name.padEnd(26)} ${statementSplit(r)}`);
    }
  }
  if (assignResults.length) {
    const { text, failed } = report(assignResults);
    failedKinds.push(...failed);
    console.log("\nAssignments, ms (worker = HTTP GET /api/contacts/assignments, admin session; sqlite3 = the list statements + the route's assigned/total batch):\n");
    console.log(text);
    console.log("\nAssignment kinds:");
    for (const k of assignKinds) console.log(`  ${k.name.padEnd(26)} ${k.note}`);
    console.log("\nStatements per request (sqlite3 p50 each; the last two are the route's organization-wide batch):");
    for (const r of assignResults) console.log(`  ${r.kind.name.padEnd(26)} ${statementSplit(r)}`);
    console.log(`  (the organization has ${d.assignmentRows.toLocaleString("en-US")} contact_user rows: "assigned count" reads every one of them on every request)`);
  }
  if (listKinds.length) {
    console.log(
      `\nNotes: worker figures are the whole request: HTTP through wrangler dev's proxy, the session and membership` +
        ` checks (D1 queries), the list statements and a second batch loading the 25 full contacts. HTTP floor (GET /api/health, no D1):` +
        ` p50 ${ms(floor?.p50 ?? Number.NaN)} ms, p95 ${ms(floor?.p95 ?? Number.NaN)} ms.` +
        ` D1 = the list statements' D1 durations summed by the route (meta.duration; local D1 times the SQL inside workerd's SQLite, in whole ms:` +
        ` D1/sqlite3 ratios in parentheses have a D1 p95 under ${D1_RESOLUTION_FLOOR_MS} ms and mean little).` +
        ` sqlite3 figures: the statements the route's runList ran (worker/contacts/list.ts, called with sqlite3 as its D1: for a tag-only filter` +
        ` that is tagged count + org total, then the page built with that tag share), in one warm sqlite3 process, per run their user+sys CPU time` +
        ` (µs resolution) or, when the shell's 1 ms-resolution wall clock says it waited longer, the wall time. rows_read is the x-d1-rows-read header (list statements only;` +
        ` for assignments it leaves out the assigned-count batch). n w/s: timed samples through the Worker / sqlite3 (fewer than --runs when a kind exceeds its time budget).` +
        ` load: 1-minute load average when the kind's Worker samples ended.` +
        ` Targets (the assignments view is held to the list route's): worker p95 <= ${TARGETS.p95Ms} ms, p95 ratio <= ${TARGETS.ratio}, rows_read <= ${TARGETS.rowsRead}.`,
    );
  }
  if (withResolve) {
    console.log(
      `\nResolve throughput (closed loop: c clients, each on its own keep-alive connection, sends its next request when the answer is read;` +
        ` per c the rows ran as ${ROUNDS} interleaved rounds, ${opts.durationMs / 1000} s per row in all, after 0.5 s warm-up; API key auth;` +
        ` bare Worker = scripts/bench/batch-worker.js on its own copy of the database, running alongside; load = highest 1-minute load average at the end of the row's rounds):\n`,
    );
    console.log(resolveTable(rep));
    if (rep.mixed) {
      const unloaded = searchResults.find((r) => r.kind.name === "common first name");
      const u = unloaded ? summarize(unloaded.worker.samples) : undefined;
      console.log(
        `\nDuring the "while 2 clients search" row: ${rep.mixed.search.completed} searches for "${commonFirstName(data)}" by 2 clients, p50 ${ms(rep.mixed.search.p50)} ms, p95 ${ms(rep.mixed.search.p95)} ms` +
          (u ? ` (alone, from the search table: p50 ${ms(u.p50)} ms, p95 ${ms(u.p95)} ms)` : "") +
          (rep.mixed.search.errors ? `, ${rep.mixed.search.errors} errors` : "") +
          ".",
      );
    }
    for (const b of rep.bursts) {
      if (b.errors) console.log(`  ${b.label} burst: first error ${b.firstError}`);
    }
    if (rep.doCall.size) console.log(`\nWhere a resolve's time goes:\n  ${breakdown(rep, opts.concurrencies).join("\n  ")}`);
    console.log(
      `\nResolve targets: ${resolveVerdicts(rep, opts.concurrencies)
        .map(([label, ok, detail]) => `\n  ${ok ? "PASS" : "FAIL"} ${label}: ${detail}`)
        .join("")}`,
    );
    if (rep.integrity) {
      console.log(
        `  (checked with sqlite3 after the Workers stopped: app database ${rep.integrity.contacts} contacts, organization_stats ${rep.integrity.statsCount};` +
          ` baseline copy ${rep.batchIntegrity?.contacts} contacts, organization_stats ${rep.batchIntegrity?.statsCount}; ${fresh.issued} new numbers sent in all)`,
      );
    }
  }
  if (problems.length) console.log(`\nConsistency warnings:\n  ${problems.join("\n  ")}`);

  // Query plans from both engines for every list kind (one wrangler call); printed for the kinds
  // that miss the latency or rows target, whose plans differ between the engines, or all with --plans.
  if (results.length) {
    const statements = results.flatMap((r) => r.cli.statements.map((s) => s.sql));
    const workerd = await workerdPlans(root, stateDir, statements);
    const cliPlans: string[] = [];
    for (const sql of statements) cliPlans.push(await explain(file, sql));
    const shape = (plan: string | undefined) => (plan ?? "").split("\n").map((l) => l.replace(/^[\s|`-]+/, "")).join("\n");
    const printed = new Set<string>();
    let j = 0;
    for (const r of results) {
      const range = r.cli.statements.map((s, k) => ({ ...s, at: j + k }));
      j += range.length;
      const differs = range.some(({ at }) => shape(workerd[at]) !== shape(cliPlans[at]));
      const fails = verdict(r).fails.filter((f) => !f.startsWith("ratio"));
      if (!opts.plans && !differs && fails.length === 0) continue;
      const why = [...fails, ...(differs ? ["workerd's plan differs from the sqlite3 CLI's"] : [])];
      const name = `${r.kind.route === "assignments" ? "assignments: " : ""}${r.kind.name}`;
      console.log(`\nEXPLAIN QUERY PLAN — ${name}${why.length ? ` (${why.join(", ")})` : ""}`);
      for (const { label, sql, at } of range) {
        if (printed.has(sql)) {
          console.log(`  ${label}: (same statement as above)`);
          continue;
        }
        printed.add(sql);
        console.log(`  ${label}: ${sql}\n    workerd (local D1):\n${workerd[at]}\n    sqlite3 CLI:\n${cliPlans[at]}`);
      }
    }
  }

  const lines: string[] = [];
  if (results.length) {
    const failing = (prefix: string) => results.filter((r) => verdict(r).fails.some((f) => f.startsWith(prefix))).map((r) => `${r.kind.route === "assignments" ? "a/" : ""}${r.kind.name}`);
    const line = (label: string, names: string[]) =>
      `${label}: ${results.length - names.length}/${results.length}${names.length ? ` (failing: ${names.join(", ")})` : ""}`;
    lines.push(
      `${results.length - failedKinds.length}/${results.length} list kinds meet every target. ` +
        [
          line(`worker p95 <= ${TARGETS.p95Ms} ms`, failing("p95")),
          line(`p95 ratio <= ${TARGETS.ratio}`, failing("ratio")),
          line(`rows_read <= ${TARGETS.rowsRead}`, failing("rows")),
        ].join("; ") +
        ".",
    );
  }
  if (withResolve) {
    const v = resolveVerdicts(rep, opts.concurrencies);
    lines.push(`Resolve: ${v.filter(([, ok]) => ok).length}/${v.length} targets met${v.some(([, ok]) => !ok) ? ` (failing: ${v.filter(([, ok]) => !ok).map(([l]) => l).join("; ")})` : ""}.`);
  }
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
