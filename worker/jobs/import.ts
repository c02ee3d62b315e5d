import { readChunk, readRow } from "../lib/import-csv";
import { Problem } from "../lib/problem";
import type { StoreClient } from "../store/client";
import { type ImportContactsJob, enqueue } from "./queues";

// The import queue's consumer: carries one import through its chunks in order (each chunk read
// from R2 by its byte range, its rows read here, written by the store in one transaction), for
// up to BUDGET_MS, then hands over to a fresh message. A redelivered message finds the chunks
// already written marked done and goes on from the next one.

const BUDGET_MS = 20_000;

export async function runImport(env: Env, store: StoreClient, job: ImportContactsJob): Promise<{ ack: true }> {
  const started = Date.now();
  for (;;) {
    const next = await store.nextImportChunk(job.import_id);
    if (!next) return { ack: true };
    try {
      const object = await env.BLOBS.get(next.fileKey, { range: { offset: next.chunk.offset, length: next.chunk.length } });
      if (!object) throw new Problem(409, "The uploaded file is no longer in storage.");
      const rows = readChunk(await object.arrayBuffer(), next.chunk, next.format).map((r) => readRow(r.cells, r.line, next.header, next.mapping, next.region));
      const { next: after } = await store.applyImportChunk(job.import_id, next.index, rows);
      if (after === null) return { ack: true };
    } catch (err) {
      // A problem with the file or its rows does not go away on a retry: the import stops, saying why.
      if (!(err instanceof Problem) || err.status >= 500) throw err;
      await store.failImport(job.import_id, `Stopped at the rows from line ${next.chunk.line}: ${err.detail}`);
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
