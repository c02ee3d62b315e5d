/**
 * The organizations' stores on disk and on the wire: restoring a backup into a store through
 * the running Worker (POST /api/restore, the only way data gets into a store), and finding each
 * store's SQLite file under bench-state/ (local Durable Objects live in
 * v3/do/<worker>-OrgStore/<object id>.sqlite) by what the store itself records,
 * store_settings.organization_id. Read those files only while no workerd has them open.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { runSqlite, sqlString } from "./sqlite";

/** POST /api/restore's limit (worker/routes/backup.ts MAX_RESTORE_BYTES). */
export const MAX_RESTORE_BYTES = 100 * 1024 * 1024;

/** Restores a backup file into the (empty) organization of the session `cookie`; answers its counts. */
export async function restore(baseUrl: string, cookie: string, lines: Iterable<string>): Promise<Record<string, number>> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for (const line of lines) {
    const b = Buffer.from(line);
    bytes += b.length;
    chunks.push(b);
  }
  if (bytes > MAX_RESTORE_BYTES) {
    throw new Error(`the backup is ${(bytes / 1024 / 1024).toFixed(1)} MiB, over POST /api/restore's ${MAX_RESTORE_BYTES / 1024 / 1024} MiB: use fewer --contacts`);
  }
  const res = await fetch(`${baseUrl}/api/restore`, {
    method: "POST",
    headers: { "content-type": "application/x-ndjson", cookie, origin: baseUrl },
    body: Buffer.concat(chunks),
    signal: AbortSignal.timeout(15 * 60_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST /api/restore -> ${res.status}: ${text.slice(0, 1000)}`);
  return (JSON.parse(text) as { restored: Record<string, number> }).restored;
}

/** The directory of the app's OrgStore objects (v3/do/<worker name>-OrgStore). */
function storeDir(stateDir: string): string | undefined {
  const root = join(stateDir, "v3/do");
  if (!existsSync(root)) return undefined;
  const dirs = readdirSync(root).filter((d) => d.endsWith("-OrgStore"));
  if (dirs.length > 1) throw new Error(`more than one OrgStore directory in ${root}: ${dirs.join(", ")}`);
  return dirs[0] ? join(root, dirs[0]) : undefined;
}

/** Every store's SQLite file, by the organization id its store_settings names (one sqlite3 process). */
export async function storeFiles(stateDir: string): Promise<Map<string, string>> {
  const dir = storeDir(stateDir);
  const files = dir ? readdirSync(dir).filter((f) => /^[0-9a-f]{64}\.sqlite$/.test(f)).map((f) => join(dir, f)) : [];
  if (!files.length) return new Map();
  const script = files
    .map((f) => `ATTACH ${sqlString(f)} AS s;\nSELECT ${sqlString(f)}, organization_id FROM s.store_settings;\nDETACH s;`)
    .join("\n");
  const { stdout } = await runSqlite(":memory:", `${script}\n`, ["-list", "-separator", "\t"]);
  const out = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const [file, org] = line.split("\t");
    if (file && org) {
      if (out.has(org)) throw new Error(`two store files name organization ${org}`);
      out.set(org, file);
    }
  }
  return out;
}

/** One row of the same query on each of the given store files, in one sqlite3 process (ATTACH). */
export async function queryEachStore<T extends Record<string, unknown>>(files: readonly string[], query: (schema: string) => string): Promise<T[]> {
  if (!files.length) return [];
  const script = files.map((f) => `ATTACH ${sqlString(f)} AS s;\n${query("s")};\nDETACH s;`).join("\n");
  const { stdout } = await runSqlite(":memory:", `${script}\n`, ["-json"]);
  // -json prints one array per statement that returns rows.
  return stdout
    .split(/\n(?=\[)/)
    .map((chunk) => chunk.trim())
    .filter(Boolean)
    .flatMap((chunk) => JSON.parse(chunk) as T[]);
}

/** The local D1 database file (one database_id in wrangler.toml). */
export function d1File(stateDir: string): string {
  const dir = join(stateDir, "v3/d1/miniflare-D1DatabaseObject");
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite") : [];
  if (files.length !== 1) throw new Error(`expected one D1 database file in ${dir}, found ${files.length}`);
  return join(dir, files[0] as string);
}
