/** Runs SQL through the `sqlite3` command-line shell on the D1 database file. */
import { spawn } from "node:child_process";

const SQLITE3 = "/usr/bin/sqlite3";

export const sqlString = (value: string) => `'${value.replace(/'/g, "''")}'`;

export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot inline ${value}`);
    return String(value);
  }
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "string") return sqlString(value);
  throw new Error(`cannot inline a ${typeof value} parameter`);
}

/**
 * Replaces each `?` placeholder (outside quoted strings and identifiers) with its parameter as
 * an SQL literal, so the exact statement the Worker binds can be run by the CLI.
 */
export function inlineParams(text: string, params: readonly unknown[]): string {
  let out = "";
  let next = 0;
  let quote: string | null = null;
  for (const ch of text) {
    if (quote) {
      out += ch;
      if (ch === quote) quote = null; // a doubled quote re-opens on the next char: still correct
    } else if (ch === "'" || ch === '"' || ch === "`") {
      quote = ch;
      out += ch;
    } else if (ch === "?") {
      if (next >= params.length) throw new Error("more placeholders than parameters");
      out += sqlLiteral(params[next++]);
    } else {
      out += ch;
    }
  }
  if (next !== params.length) throw new Error(`${params.length - next} parameters left over`);
  return out;
}

interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs sqlite3 on `file` with `args`, feeding `input` (string or chunks) to stdin. */
export function runSqlite(
  file: string,
  input: string | Iterable<string>,
  args: readonly string[] = [],
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    // .timeout: wait for a lock a just-stopped workerd may still hold for a moment.
    const child = spawn(SQLITE3, ["-bail", "-cmd", ".timeout 15000", ...args, file], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (d: string) => (stdout += d));
    child.stderr.on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code: number | null) => {
      if (code === 0 && !stderr.trim()) resolve({ stdout, stderr });
      else reject(new Error(`sqlite3 exited with ${code}: ${stderr.trim().slice(0, 2000)}`));
    });
    child.stdin.on("error", reject);
    const chunks = typeof input === "string" ? [input] : input;
    const iterator = chunks[Symbol.iterator]();
    // Write chunk by chunk, respecting back-pressure, so a generator of SQL never sits in memory.
    const pump = () => {
      for (;;) {
        const { value, done } = iterator.next();
        if (done) {
          child.stdin.end();
          return;
        }
        if (!child.stdin.write(value)) {
          child.stdin.once("drain", pump);
          return;
        }
      }
    };
    pump();
  });
}

/** Rows of one query, via `sqlite3 -json`. */
export async function queryRows<T = Record<string, unknown>>(file: string, query: string): Promise<T[]> {
  const { stdout } = await runSqlite(file, `${query};\n`, ["-json"]);
  return stdout.trim() ? (JSON.parse(stdout) as T[]) : [];
}

export interface CliTiming {
  /** Wall time per iteration (ms; the CLI reports it with 1 ms resolution). */
  real: number[];
  /** User + system CPU time per iteration (ms; microsecond resolution). */
  cpu: number[];
  /** Per statement (in the order given), its CPU time per iteration (ms). */
  perStatement: number[][];
}

const RUN_TIME = /^Run Time: real ([\d.]+) user ([\d.]+) sys ([\d.]+)/;

/**
 * Times `statements` run back to back, `iterations` times (after `warmup` untimed-in-results
 * iterations), inside ONE sqlite3 process with `.timer on`. Each iteration's figure is the sum
 * over its statements, like the Worker's single batch of the same statements.
 */
export async function timeStatements(
  file: string,
  statements: readonly string[],
  iterations: number,
  warmup: number,
): Promise<CliTiming> {
  const lines = [".timer on", ".mode list", ".headers off"];
  for (let i = 0; i < warmup + iterations; i++) for (const s of statements) lines.push(`${s};`);
  const { stdout } = await runSqlite(file, `${lines.join("\n")}\n`);
  const runs = stdout
    .split("\n")
    .map((line) => RUN_TIME.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ real: Number(m[1]) * 1000, cpu: (Number(m[2]) + Number(m[3])) * 1000 }));
  const expected = (warmup + iterations) * statements.length;
  if (runs.length !== expected) throw new Error(`expected ${expected} timer lines from sqlite3, got ${runs.length}`);
  const real: number[] = [];
  const cpu: number[] = [];
  const perStatement: number[][] = statements.map(() => []);
  for (let i = warmup; i < warmup + iterations; i++) {
    const group = runs.slice(i * statements.length, (i + 1) * statements.length);
    real.push(group.reduce((sum, r) => sum + r.real, 0));
    cpu.push(group.reduce((sum, r) => sum + r.cpu, 0));
    group.forEach((r, k) => perStatement[k]?.push(r.cpu));
  }
  return { real, cpu, perStatement };
}
