import { type ImportChunk, type ImportField, type ImportRow, readChunk, rowReader } from "../lib/import-csv";
import { Problem } from "../lib/problem";
import type { StoreClient } from "../store/client";
import { type ImportContactsJob, enqueue } from "./queues";

// The import queue's consumer: carries one import through its chunks in order — each chunk read
// from R2 by its byte range and its rows read here while the store writes the chunk before, then
// handed to the store, which writes it in one transaction — for up to BUDGET_MS, then hands over
// to a fresh message. The store takes only the chunk that is due, so a redelivered or duplicated
// message writes nothing twice.

const BUDGET_MS = 20_000;

/** A turn of the event loop: requests this isolate also serves (a caller's lookup) go first. */
const yieldTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
/** Rows read between turns (reading a row, its phone numbers above all, is CPU work). */
const ROWS_PER_TURN = 100;

/** Where a chunk's rows are read from and how: the import's file, format, mapping and region. */
export interface ChunkSource {
  fileKey: string;
  format: { delimiter: string; newline: string };
  header: string[];
  mapping: (ImportField | null)[];
  region: string;
}

/** The rows of one chunk of the import's file (its first `limit` only, for a preview), read with the mapping. */
export async function readChunkRows(env: Env, source: ChunkSource, chunk: ImportChunk, limit = 0): Promise<ImportRow[]> {
  const object = await env.BLOBS.get(source.fileKey, { range: { offset: chunk.offset, length: chunk.length } });
  if (!object) throw new Problem(409, "The uploaded file is no longer in storage; upload it again.");
  const cells = readChunk(await object.arrayBuffer(), chunk, source.format, limit);
  const read = rowReader(source.header, source.mapping, source.region);
  const rows: ImportRow[] = [];
  for (let i = 0; i < cells.length; i += ROWS_PER_TURN) {
    await yieldTurn();
    for (const r of cells.slice(i, i + ROWS_PER_TURN)) rows.push(read(r.cells, r.line));
  }
  return rows;
}

export async function runImport(env: Env, store: StoreClient, job: ImportContactsJob): Promise<{ ack: true }> {
  const started = Date.now();
  // Null once the import is not running; a deleted import has nothing left to do either.
  const plan = await store.importPlan(job.import_id).catch((err) => {
    if (err instanceof Problem && err.status === 404) return null;
    throw err;
  });
  if (!plan) return { ack: true };
  let index = plan.from;
  let reading = readChunkRows(env, plan, plan.chunks[index]!);
  for (;;) {
    try {
      const rows = await reading;
      const following = index + 1 < plan.chunks.length ? readChunkRows(env, plan, plan.chunks[index + 1]!) : null;
      // Awaited next time round (or dropped with the message): never an unhandled rejection.
      following?.catch(() => {});
      const { next } = await store.applyImportChunk(job.import_id, index, rows);
      if (next === null) return { ack: true };
      reading = next === index + 1 && following ? following : readChunkRows(env, plan, plan.chunks[next]!);
      index = next;
      // Without a turn between chunks the loop's awaits (settled store calls) kept the isolate to
      // itself: locally, every other request waited for the whole message (20 s).
      await yieldTurn();
    } catch (err) {
      // A problem with the file or its rows does not go away on a retry: the import stops, saying why.
      if (!(err instanceof Problem) || err.status >= 500) throw err;
      await store.failImport(job.import_id, `Stopped at the rows from line ${plan.chunks[index]?.line}: ${err.detail}`);
      return { ack: true };
    }
    if (Date.now() - started > BUDGET_MS) {
      await enqueue(env, job);
      return { ack: true };
    }
  }
}

/** The queue gave up on the import (the store or storage kept failing): it is marked failed. */
export async function importDeadLetter(store: StoreClient, job: ImportContactsJob): Promise<void> {
  const current = await store.getImport(job.import_id).catch(() => null);
  if (!current) return;
  await store.failImport(job.import_id, `Stopped after repeated errors; ${current.progress.rows_done.toLocaleString("en-US")} of ${current.row_count.toLocaleString("en-US")} rows were read. Import the rest again (rows already imported match their contacts).`);
}
