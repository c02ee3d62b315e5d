/** Starts `wrangler dev` on the bench database and times HTTP requests against it. */
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import process from "node:process";

const NODE = "node_modules/.bin/node";
const WRANGLER = "node_modules/wrangler/bin/wrangler.js";

export const wranglerEnv = () => ({
  ...process.env,
  CI: "true",
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_HIDE_BANNER: "true",
  NO_COLOR: "1",
});

/** Runs a wrangler command to completion (e.g. `d1 migrations apply`). */
export function wrangler(root: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(root, NODE), [join(root, WRANGLER), ...args], {
      cwd: root,
      env: wranglerEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (d: string) => (output += d));
    child.stderr.on("data", (d: string) => (output += d));
    child.on("error", reject);
    child.on("close", (code: number | null) =>
      code === 0 ? resolve(output) : reject(new Error(`wrangler ${args.join(" ")} exited with ${code}:\n${output}`)),
    );
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

/**
 * better-auth's signed session cookie (better-call's signCookieValue): the token, ".", the
 * standard base64 HMAC-SHA256 of the token keyed with BETTER_AUTH_SECRET, URI-encoded.
 */
export function sessionCookie(token: string, secret: string): string {
  const signature = createHmac("sha256", secret).update(token).digest("base64");
  return `better-auth.session_token=${encodeURIComponent(`${token}.${signature}`)}`;
}

export interface RunningWorker {
  url: string;
  logFile: string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Kills every worker this process started (its whole process group: wrangler + workerd). */
export function killWorkers(): void {
  for (const child of running) {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
  }
}

/**
 * Bundles the Worker once (`wrangler deploy --dry-run`) and returns the bundle's path. Serving
 * that file with --no-bundle means edits to worker/** made while the bench runs cannot rebuild
 * and reload the Worker in the middle of a measurement.
 */
export async function buildWorker(root: string, outDir: string): Promise<string> {
  const assets = join(root, "web/dist");
  if (!existsSync(join(assets, "index.html"))) {
    mkdirSync(assets, { recursive: true });
    writeFileSync(join(assets, "index.html"), "<!doctype html><title>bench placeholder</title>\n");
  }
  await wrangler(root, ["deploy", "--dry-run", "--outdir", outDir]);
  return join(outDir, "index.js");
}

export async function startWorker(opts: {
  root: string;
  script: string;
  persistTo: string;
  vars: Record<string, string>;
  logFile: string;
  timeoutMs?: number;
}): Promise<RunningWorker> {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const args = [
    join(opts.root, WRANGLER),
    "dev",
    opts.script,
    "--no-bundle",
    // No per-request log line: it costs the dev server's Node process CPU on every request.
    "--log-level",
    "warn",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
    "--persist-to",
    opts.persistTo,
    "--show-interactive-dev-session=false",
    ...Object.entries(opts.vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ];
  const log = createWriteStream(opts.logFile, { flags: "a" });
  // detached: its own process group, so stop() reaches workerd too.
  const child = spawn(join(opts.root, NODE), args, {
    cwd: opts.root,
    env: wranglerEnv(),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  running.add(child);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
    }
    running.delete(child);
    log.end();
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return { url, logFile: opts.logFile, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`wrangler dev did not become healthy (see ${opts.logFile})`);
}

export interface HttpSample {
  ms: number;
  status: number;
  headers: Headers;
  body: string;
}

export class RequestTimeout extends Error {}

/** One timed GET: from sending the request to having read the whole body. */
export async function timedGet(url: string, headers: Record<string, string>, timeoutMs = 10_000): Promise<HttpSample> {
  const start = performance.now();
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    const body = await res.text();
    return { ms: performance.now() - start, status: res.status, headers: res.headers, body };
  } catch (err) {
    if (err instanceof Error && err.name === "TimeoutError") throw new RequestTimeout(`GET ${url} took over ${timeoutMs} ms`);
    throw err;
  }
}

/**
 * EXPLAIN QUERY PLAN from the SQLite inside workerd (the engine behind local D1, newer than the
 * sqlite3 CLI, so its plans can differ), via one `wrangler d1 execute --local --file` call.
 * Run it while no `wrangler dev` has the database open.
 */
export async function workerdPlans(root: string, persistTo: string, statements: readonly string[]): Promise<string[]> {
  const file = join(persistTo, "explain.sql");
  writeFileSync(file, statements.map((s) => `EXPLAIN QUERY PLAN ${s};\n`).join(""));
  const output = await wrangler(root, ["d1", "execute", "DB", "--local", "--persist-to", persistTo, "--json", "--file", file]);
  const json = output.slice(output.indexOf("["));
  const results = JSON.parse(json) as { results: { id: number; parent: number; detail: string }[] }[];
  return results.map(({ results: rows }) => {
    const depth = new Map<number, number>([[0, 0]]);
    return rows
      .map((r) => {
        const d = (depth.get(r.parent) ?? 0) + 1;
        depth.set(r.id, d);
        return `${"  ".repeat(d + 2)}${r.detail}`;
      })
      .join("\n");
  });
}
