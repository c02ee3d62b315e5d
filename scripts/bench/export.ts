/**
 * The export section: GET /api/contacts/export.csv of the big organization (every contact, the
 * list's default order) through the Worker, next to the `sqlite3` shell writing the same CSV
 * (the same columns, numbers/emails/tags/members joined with "; ", the primary address) from the
 * store's file. Target: the Worker at least half the shell's rows per second.
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSqlite } from "./sqlite";

export const EXPORT_TARGET = 0.5;
const RUNS = 3;

const FLOOR_SQL = `SELECT c.id, c.first_name, c.last_name, c.company, c.job_title, c.status, c.pipeline_stage, c.source, c.external_id,
  (SELECT group_concat(p.phone_number, '; ') FROM contact_phones p WHERE p.contact_id = c.id) AS phones,
  (SELECT group_concat(e.email, '; ') FROM contact_emails e WHERE e.contact_id = c.id) AS emails,
  (SELECT group_concat(t.name, '; ') FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = c.id) AS tags,
  (SELECT group_concat(m.name, '; ') FROM contact_user cu JOIN members m ON m.id = cu.member_id WHERE cu.contact_id = c.id) AS assigned_members,
  c.preferred_language, c.timezone, a.street, a.city, a.state, a.zip, a.country, c.created_at, c.updated_at, c.last_contacted_at
FROM contacts c LEFT JOIN contact_addresses a ON a.id = (SELECT x.id FROM contact_addresses x WHERE x.contact_id = c.id ORDER BY x.is_primary DESC, x.rowid LIMIT 1)
ORDER BY c.created_at DESC, c.id DESC;`;

export interface ExportFloor {
  rows: number;
  ms: number;
}

/** The shell writing the CSV to a file, best of RUNS (run before any workerd opens the file). */
export async function exportFloor(storeFile: string): Promise<ExportFloor> {
  const out = join(tmpdir(), `bench-export-${process.pid}.csv`);
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await runSqlite(storeFile, [".headers on", ".mode csv", `.output ${out}`, FLOOR_SQL].join("\n"));
    best = Math.min(best, performance.now() - start);
  }
  rmSync(out, { force: true });
  const rows = Number((await runSqlite(storeFile, "SELECT count(*) FROM contacts;")).stdout.trim());
  return { rows, ms: best };
}

export interface ExportResult {
  rows: number;
  bytes: number;
  ms: number;
}

/** The Worker's export, read to the end, best of RUNS. */
export async function exportThroughWorker(url: string, headers: Record<string, string>): Promise<ExportResult> {
  let best: ExportResult | undefined;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const res = await fetch(`${url}/api/contacts/export.csv`, { headers });
    if (!res.ok || !res.body) throw new Error(`export answered ${res.status}: ${await res.text()}`);
    let bytes = 0;
    let lines = 0;
    const reader = res.body.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      bytes += chunk.value.byteLength;
      for (const byte of chunk.value) if (byte === 10) lines++;
    }
    const ms = performance.now() - start;
    // Lines minus the header (a quoted cell never holds a line break: contacts' fields are one line).
    const result = { rows: lines - 1, bytes, ms };
    if (!best || ms < best.ms) best = result;
  }
  return best as ExportResult;
}

export function exportReport(worker: ExportResult, floor: ExportFloor): { text: string; summary: string } {
  const workerRate = worker.rows / (worker.ms / 1000);
  const floorRate = floor.rows / (floor.ms / 1000);
  const ratio = workerRate / floorRate;
  const pass = ratio >= EXPORT_TARGET && worker.rows === floor.rows;
  const text = [
    `GET /api/contacts/export.csv (every contact, best of ${RUNS}): ${worker.rows.toLocaleString("en-US")} rows, ${(worker.bytes / 1e6).toFixed(1)} MB in ${(worker.ms / 1000).toFixed(2)} s = ${workerRate.toFixed(0)} rows/s`,
    `sqlite3 writing the same CSV from the store's file (best of ${RUNS}): ${floor.rows.toLocaleString("en-US")} rows in ${(floor.ms / 1000).toFixed(2)} s = ${floorRate.toFixed(0)} rows/s`,
    `  ${pass ? "PASS" : "FAIL"} export >= ${EXPORT_TARGET} of sqlite3's rows per second, every row: ${ratio.toFixed(2)}x${worker.rows === floor.rows ? "" : ` (rows differ: ${worker.rows} vs ${floor.rows})`}`,
  ].join("\n");
  return { text, summary: `Export: ${worker.rows.toLocaleString("en-US")} contacts at ${workerRate.toFixed(0)} rows/s = ${ratio.toFixed(2)}x sqlite3's ${floorRate.toFixed(0)} rows/s (target >= ${EXPORT_TARGET}): ${pass ? "PASS" : "FAIL"}` };
}
