/**
 * `npm run bench`: loads a deterministic 100,000-contact organization into a local D1 database
 * (bench-state/, gitignored) and measures contact list+search through the running Worker
 * (`wrangler dev`) next to the same SQL run by the sqlite3 shell on the same database file.
 *
 * Options: --contacts N (default 100000), --runs N (timed requests per query kind, default 50),
 * --seed S, --plans (print EXPLAIN QUERY PLAN for every kind; by default only for the kinds that
 * miss the latency or rows target or whose plan in workerd differs from the sqlite3 CLI's),
 * --only TEXT (only the query kinds whose name contains TEXT), --reuse (keep bench-state/ if it
 * already holds the same contacts and seed, instead of reloading; for iterating on the bench).
 *
 * The Worker is bundled once (`wrangler deploy --dry-run`) and served with `wrangler dev
 * --no-bundle`, so edits to worker/** during a run cannot reload it mid-measurement.
 *
 * Authentication: the loader inserts the owner's better-auth `session` row directly and the
 * bench sends the signed `better-auth.session_token` cookie (see bench/worker.ts); the Worker
 * runs with a random BETTER_AUTH_SECRET passed as --var.
 *
 * Benchmarks print figures; the exit code is 0 whether or not the targets are met.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, relative } from "node:path";
import process from "node:process";
import { type Dataset, contactSql, describe, generate, setupSql } from "./bench/data";
import {
  type KindResult,
  REQUEST_TIMEOUT_MS,
  TARGETS,
  measureCli,
  measureWorker,
  mismatches,
  queryKinds,
  report,
  statementsFor,
  verdict,
} from "./bench/search";
import { queryRows, runSqlite, sqlString } from "./bench/sqlite";
import { ms, seconds, summarize } from "./bench/stats";
import { buildWorker, killWorkers, sessionCookie, startWorker, timedGet, workerdPlans, wrangler } from "./bench/worker";

interface Options {
  contacts: number;
  runs: number;
  seed: string;
  plans: boolean;
  only?: string;
  reuse: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const opts: Options = { contacts: 100_000, runs: 50, seed: "contacts-bench-v1", plans: false, reuse: false };
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
    else if (arg === "--only") opts.only = value();
    else if (arg === "--reuse") opts.reuse = true;
    else throw new Error(`unknown option ${arg}`);
  }
  if (!(opts.contacts > 0) || !(opts.runs > 0)) throw new Error("--contacts and --runs must be positive");
  return opts;
}

function findSqliteFile(stateDir: string): string {
  const dir = join(stateDir, "v3/d1/miniflare-D1DatabaseObject");
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite") : [];
  if (files.length !== 1) throw new Error(`expected one D1 database file in ${dir}, found ${files.length}`);
  return join(dir, files[0] as string);
}

async function loadDatabase(root: string, stateDir: string, data: Dataset, opts: Options): Promise<string> {
  const marker = join(stateDir, "loaded.json");
  const stamp = JSON.stringify({ contacts: data.contacts.length, seed: opts.seed, migrations: readdirSync(join(root, "migrations")).sort() });
  if (opts.reuse && existsSync(marker) && readFileSync(marker, "utf8") === stamp) {
    console.log("reusing the database loaded by an earlier run (--reuse)");
    const file = findSqliteFile(stateDir);
    // The owner's session may have expired since; give it another 30 days.
    await runSqlite(file, `UPDATE session SET expires_at = ${Date.now() + 30 * 86_400_000} WHERE token = ${sqlString(data.org.sessionToken)};\n`);
    return file;
  }
  rmSync(stateDir, { recursive: true, force: true });
  let t = performance.now();
  await wrangler(root, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir]);
  console.log(`migrations applied (wrangler d1 migrations apply --local): ${seconds(t)}`);
  const file = findSqliteFile(stateDir);

  t = performance.now();
  // One sqlite3 process; contacts go in 2,000 per transaction with their phones, emails and
  // tags, and the migrations' triggers keep contact_search and organization_stats in sync.
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

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const root = process.cwd();
  if (!existsSync(join(root, "wrangler.toml"))) throw new Error("run from the repository root (npm run bench)");
  const stateDir = join(root, "bench-state");
  const started = performance.now();
  const [sqliteVersion] = await queryRows<{ v: string }>(":memory:", "SELECT sqlite_version() AS v");
  console.log(
    `bench: ${opts.contacts.toLocaleString("en-US")} contacts, ${opts.runs} timed runs per kind (after 5 warm-up), ` +
      `node ${process.version}, sqlite3 CLI ${sqliteVersion?.v}, ${cpus().length} CPUs`,
  );

  let t = performance.now();
  const data = generate(opts.contacts, opts.seed);
  const d = describe(data);
  console.log(
    `generated (seed "${opts.seed}") in ${seconds(t)}: ${d.phonesPerContact.toFixed(2)} phones and ${d.emailsPerContact.toFixed(2)} emails per contact, ` +
      `${(100 * d.stubShare).toFixed(1)}% stubs, ${(100 * d.taggedShare).toFixed(1)}% tagged, ${(100 * d.contactedShare).toFixed(1)}% with last_contacted_at`,
  );

  const file = await loadDatabase(root, stateDir, data, opts);
  const kinds = queryKinds(data).filter((k) => !opts.only || k.name.includes(opts.only));
  const orgId = data.org.organizationId;

  // sqlite3 first, while no other process has the file open.
  t = performance.now();
  let startLoad = load();
  const cli = [];
  for (const kind of kinds) cli.push(await measureCli(file, kind, orgId, opts.runs));
  console.log(`sqlite3 CLI measured: ${seconds(t)} (${startLoad} -> ${load()})`);

  t = performance.now();
  const secret = randomBytes(32).toString("hex");
  const script = await buildWorker(root, join(stateDir, "worker-build"));
  const start = () =>
    startWorker({ root, script, persistTo: stateDir, vars: { BETTER_AUTH_SECRET: secret }, logFile: join(stateDir, "wrangler-dev.log") });
  let worker = await start();
  console.log(`Worker bundled and wrangler dev up at ${worker.url}: ${seconds(t)}`);
  const results: KindResult[] = [];
  let floor: { p50: number; p95: number } | undefined;
  try {
    t = performance.now();
    startLoad = load();
    const headers = { cookie: sessionCookie(data.org.sessionToken, secret) };
    const health: number[] = [];
    for (let i = 0; i < 5 + opts.runs; i++) {
      const res = await timedGet(`${worker.url}/api/health`, {});
      if (i >= 5) health.push(res.ms);
    }
    floor = summarize(health);
    for (const [i, kind] of kinds.entries()) {
      const measured = await measureWorker(worker.url, headers, kind, opts.runs);
      results.push({ kind, worker: measured, cli: cli[i] as KindResult["cli"] });
      if (measured.timedOut && i < kinds.length - 1) {
        // The abandoned query is still running inside D1 and would delay every later request.
        console.log(`${kind.name}: a request took over ${REQUEST_TIMEOUT_MS / 1000} s; restarting the Worker`);
        await worker.stop();
        worker = await start();
      }
      load();
    }
    console.log(`Worker measured: ${seconds(t)} (${startLoad} -> ${load()})`);
  } finally {
    await worker.stop();
  }

  const { text, failed } = report(results);
  console.log("\nContact list+search, ms (worker = HTTP GET /api/contacts/list through wrangler dev; sqlite3 = the same page + count SQL):\n");
  console.log(text);
  console.log("\nQuery values:");
  for (const k of kinds) console.log(`  ${k.name.padEnd(26)} ${k.note}`);
  console.log(
    `\nNotes: worker figures are the whole request: HTTP through wrangler dev's proxy, the session and membership` +
      ` checks (D1 queries), the page + count batch and a second batch loading the 25 full contacts. HTTP floor (GET /api/health, no D1):` +
      ` p50 ${ms(floor?.p50 ?? Number.NaN)} ms, p95 ${ms(floor?.p95 ?? Number.NaN)} ms.` +
      ` sqlite3 figures: the page + count statements in one warm sqlite3 process, per run its user+sys CPU time` +
      ` (µs resolution) or, when the shell's 1 ms-resolution wall clock says it waited longer, the wall time. rows_read is the x-d1-rows-read header (page + count).` +
      ` n w/s: timed samples through the Worker / sqlite3 (fewer than --runs when a kind exceeds its time budget: 20 s through the Worker, 60 s in sqlite3).` +
      ` Targets: worker p95 <= ${TARGETS.p95Ms} ms, p95 ratio <= ${TARGETS.ratio}, rows_read <= ${TARGETS.rowsRead}.`,
  );
  const problems = mismatches(results);
  const maxLoad = Math.max(...loads);
  if (maxLoad > cpus().length * 0.75) {
    problems.push(
      `1-minute load average reached ${maxLoad.toFixed(1)} on ${cpus().length} CPUs while measuring: other processes competed for the CPU, latencies are inflated`,
    );
  }
  if (problems.length) console.log(`\nConsistency warnings:\n  ${problems.join("\n  ")}`);

  // Query plans from both engines for every kind (one wrangler call); printed for the kinds that
  // miss the latency or rows target, whose plans differ between the engines, or all with --plans.
  const statements = results.flatMap((r) => {
    const { page, count } = statementsFor(r.kind, orgId);
    return [page, count];
  });
  const workerd = await workerdPlans(root, stateDir, statements);
  const cliPlans: string[] = [];
  for (const sql of statements) cliPlans.push(await explain(file, sql));
  const shape = (plan: string | undefined) => (plan ?? "").split("\n").map((l) => l.replace(/^[\s|`-]+/, "")).join("\n");
  for (const [i, r] of results.entries()) {
    const differs = [2 * i, 2 * i + 1].some((j) => shape(workerd[j]) !== shape(cliPlans[j]));
    const fails = verdict(r).fails.filter((f) => !f.startsWith("ratio"));
    if (!opts.plans && !differs && fails.length === 0) continue;
    const why = [...fails, ...(differs ? ["workerd's plan differs from the sqlite3 CLI's"] : [])];
    console.log(`\nEXPLAIN QUERY PLAN — ${r.kind.name}${why.length ? ` (${why.join(", ")})` : ""}`);
    for (const [j, label] of [
      [2 * i, "page"],
      [2 * i + 1, "count"],
    ] as const) {
      console.log(`  ${label}: ${statements[j]}\n    workerd (local D1):\n${workerd[j]}\n    sqlite3 CLI:\n${cliPlans[j]}`);
    }
  }

  const failing = (prefix: string) => results.filter((r) => verdict(r).fails.some((f) => f.startsWith(prefix))).map((r) => r.kind.name);
  const line = (label: string, names: string[]) =>
    `${label}: ${results.length - names.length}/${results.length}${names.length ? ` (failing: ${names.join(", ")})` : ""}`;
  console.log(
    `\nSUMMARY: ${results.length - failed.length}/${results.length} query kinds meet every target. ` +
      [
        line(`worker p95 <= ${TARGETS.p95Ms} ms`, failing("p95")),
        line(`p95 ratio <= ${TARGETS.ratio}`, failing("ratio")),
        line(`rows_read <= ${TARGETS.rowsRead}`, failing("rows")),
      ].join("; ") +
      `. Total bench time ${seconds(started)}.`,
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
