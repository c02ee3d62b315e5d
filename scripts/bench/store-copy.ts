/**
 * Copies of a store's SQLite file inside the bare Worker (bare-worker.js StoreCopy): the store's
 * own code and workerd's own SQLite on the same data, without the app's HTTP layers. A copy is
 * made with sqlite3 .backup at the path local Durable Objects keep that object's SQLite
 * (v3/do/<worker>-StoreCopy/<object id>.sqlite), before the object first runs; read the source
 * only while no workerd has it open.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { BARE_WORKER_NAME } from "./resolve";
import { runSqlite, sqlString } from "./sqlite";
import type { RunningWorker } from "./worker";

/** Puts a copy of `storeFile` in place as StoreCopy `name` of the running bare Worker (a name not used before). */
export async function placeCopy(bare: RunningWorker, bareState: string, storeFile: string, name: string): Promise<() => void> {
  const res = await fetch(`${bare.url}/copy-id?name=${encodeURIComponent(name)}`);
  const { id } = (await res.json()) as { id: string };
  const dir = join(bareState, "v3/do", `${BARE_WORKER_NAME}-StoreCopy`);
  mkdirSync(dir, { recursive: true });
  const copy = join(dir, `${id}.sqlite`);
  for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) rmSync(f, { force: true });
  await runSqlite(storeFile, `.backup ${sqlString(copy)}\n`);
  return () => {
    for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) rmSync(f, { force: true });
  };
}

export interface WorkerdPlan {
  plan: string;
  rows: number;
  rowsRead: number;
}

interface PlanRow {
  id: number;
  parent: number;
  detail: string;
}

/** Renders EXPLAIN QUERY PLAN rows as an indented tree. */
function tree(rows: PlanRow[], indent: number): string {
  const depth = new Map<number, number>([[0, 0]]);
  return rows
    .map((r) => {
      const d = (depth.get(r.parent) ?? 0) + 1;
      depth.set(r.id, d);
      return `${" ".repeat(indent + 2 * d)}${r.detail}`;
    })
    .join("\n");
}

/**
 * For each statement, workerd's EXPLAIN QUERY PLAN (its SQLite is newer than the sqlite3 CLI's,
 * so plans can differ) and the rows it read running it, in StoreCopy `name`.
 */
export async function workerdPlans(bare: RunningWorker, name: string, statements: readonly string[], indent = 4): Promise<WorkerdPlan[]> {
  const res = await fetch(`${bare.url}/copy/${encodeURIComponent(name)}/explain`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ statements }),
    signal: AbortSignal.timeout(120_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`bare Worker /explain -> ${res.status}: ${text.slice(0, 500)}`);
  return (JSON.parse(text) as { plan: PlanRow[]; rows: number; rowsRead: number }[]).map((r) => ({ plan: tree(r.plan, indent), rows: r.rows, rowsRead: r.rowsRead }));
}
