import type { SQL } from "drizzle-orm";
import { type Db, rawStatement, runBatch } from "../db/client";
import { type ListParams, listQueries, orgTotalQuery, planSearch, taggedCountQuery } from "./search";

export interface ListResult {
  ids: string[];
  total: number;
  /** D1's rows_read and duration over every statement, for Server-Timing and the benchmark. */
  rowsRead: number;
  d1Ms: number;
}

/**
 * Runs a list request: a tag-only filter first measures the tag's share to choose its plan.
 * `knownTotal` (from a counter the caller already has) skips the count query.
 */
export async function runList(db: Db, p: ListParams & { knownTotal?: number }): Promise<ListResult> {
  const stats = { rowsRead: 0, d1Ms: 0 };
  const run = async <T>(queries: SQL[]) => {
    const results = (await runBatch(db, queries.map((q) => rawStatement(db, q)))) as D1Result<T>[];
    for (const r of results) {
      stats.rowsRead += r.meta.rows_read ?? 0;
      stats.d1Ms += r.meta.duration ?? 0;
    }
    return results;
  };
  let knownTotal = p.knownTotal;
  let tagShare = p.tagShare;
  if (knownTotal === undefined && p.tagIds.length > 0 && planSearch(p.search).kind === "none" && !p.extra) {
    const [tagged, all] = await run<{ n: number }>([taggedCountQuery(p.organizationId, p.tagIds), orgTotalQuery(p.organizationId)]);
    knownTotal = Number(tagged?.results[0]?.n ?? 0);
    tagShare = knownTotal / Math.max(1, Number(all?.results[0]?.n ?? 0));
  }
  const { page, count } = listQueries({ ...p, tagShare });
  const [pageResult, countResult] = await run<{ id?: string; n?: number }>(knownTotal === undefined ? [page, count] : [page]);
  return {
    ids: (pageResult?.results ?? []).map((r) => r.id as string),
    total: knownTotal ?? Number(countResult?.results[0]?.n ?? 0),
    ...stats,
  };
}
