import type { SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { drizzle } from "drizzle-orm/d1";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import * as schema from "./schema";

export type Db = ReturnType<typeof createDb>;
export type Statement = BatchItem<"sqlite">;

export function createDb(d1: D1Database) {
  return drizzle(d1, { schema });
}

const dialect = new SQLiteAsyncDialect();

/**
 * A raw SQL statement for db.batch(), whose batch result is the D1Result (rows and meta).
 * drizzle's own db.run(sql) items lose their bound parameters inside a D1 batch.
 */
export function rawStatement(db: Db, query: SQL): Statement {
  const { sql, params } = dialect.sqlToQuery(query);
  const prepared = { stmt: db.$client.prepare(sql), getQuery: () => ({ sql, params }), mapResult: (r: unknown) => r };
  return { _prepare: () => prepared } as unknown as Statement;
}

/** Runs statements as one atomic D1 batch. */
export function runBatch(db: Db, statements: Statement[]): Promise<unknown[]> {
  return db.batch(statements as [Statement, ...Statement[]]);
}
