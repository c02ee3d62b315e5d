import { type SQL, sql } from "drizzle-orm";
import { Problem } from "./problem";

/** Keyset cursors over (at, id) DESC: new rows never shift the pages a client is reading. */
export const encodeCursor = (at: string, id: string) => btoa(JSON.stringify([at, id])).replace(/=+$/, "");

export function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(atob(cursor)) as unknown;
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "string")) return value as [string, string];
  } catch {}
  throw new Problem(400, "cursor is not one this API returned", { errors: [{ field: "cursor", message: "invalid cursor" }] });
}

/** `SELECT * FROM (union) WHERE <after cursor> ORDER BY at DESC, id DESC LIMIT limit + 1`. */
export function keysetPage(union: SQL, cursor: string | undefined, limit: number): SQL {
  const after = cursor ? decodeCursor(cursor) : null;
  const where = after ? sql`WHERE at < ${after[0]} OR (at = ${after[0]} AND id < ${after[1]})` : sql``;
  return sql`SELECT * FROM (${union}) ${where} ORDER BY at DESC, id DESC LIMIT ${limit + 1}`;
}

/** The page and the next cursor from rows fetched with keysetPage(). */
export function pageOf<T extends { at: string; id: string }>(rows: T[], limit: number) {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, nextCursor: rows.length > limit && last ? encodeCursor(last.at, last.id) : null };
}
