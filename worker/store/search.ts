import { type SQL, sql } from "drizzle-orm";
import type { Sort } from "../schemas/contacts";

/** What runList needs of the store: a query that says how many rows it read. */
export interface Queries {
  query<T>(query: SQL): { rows: T[]; rowsRead: number };
}

/**
 * How a search string is matched. Terms of 3+ characters go through the FTS5 trigram index
 * (substring match on names, company, emails and phone digits); FTS cannot serve shorter
 * terms, so a search made only of 1-2 character words matches the start of the full name
 * through the sort_name index instead. Phone-looking input is reduced to its digits, so
 * "(555) 123-4567", "555.123.4567", "+1 555 123 4567" and "4567" all find the same phone.
 */
export type SearchPlan =
  | { kind: "none" }
  | { kind: "fts"; match: string; shortWords: string[] }
  | { kind: "prefix"; prefixes: string[] };

const PHONE_LIKE = /^[\d\s()+\-./]+$/;
const ftsPhrase = (word: string) => `"${word.replace(/"/g, '""')}"`;

/**
 * sort_name is lower()ed by SQLite, which folds ASCII only: a non-ASCII letter keeps the case it
 * was typed in. A 1-2 character prefix has at most four such spellings; match each of them.
 */
function caseVariants(term: string): string[] {
  let out = [""];
  for (const ch of term) {
    const forms = /[\x00-\x7f]/.test(ch) ? [ch] : [...new Set([ch.toLowerCase(), ch.toUpperCase()])];
    out = out.flatMap((p) => forms.map((f) => p + f));
  }
  return out;
}

export function planSearch(raw: string | undefined): SearchPlan {
  const term = (raw ?? "").trim().replace(/\s+/g, " ").toLowerCase();
  if (!term) return { kind: "none" };
  if (PHONE_LIKE.test(term)) {
    let digits = term.replace(/\D/g, "");
    if (term.startsWith("00")) digits = digits.slice(2);
    else if (term.startsWith("011")) digits = digits.slice(3);
    if (digits.length >= 3) return { kind: "fts", match: ftsPhrase(digits), shortWords: [] };
  }
  const words = term.split(" ");
  const long = words.filter((w) => [...w].length >= 3);
  const short = words.filter((w) => [...w].length < 3);
  if (long.length === 0) return { kind: "prefix", prefixes: caseVariants(term) };
  return { kind: "fts", match: long.map(ftsPhrase).join(" AND "), shortWords: short };
}

export interface ListParams {
  /** Further conditions on `c`, e.g. the assignments view's member filter. */
  extra?: SQL;
  search?: string;
  sort: Sort;
  tagIds: string[];
  page: number;
  pageSize: number;
  /** Share of the organization's contacts that carry one of tagIds, when known: picks the plan. */
  tagShare?: number;
}

/** Above this share of the organization, walking the sort index and checking tags is cheaper. */
const COMMON_TAG_SHARE = 0.01;

const ORDER: Record<Sort, SQL> = {
  recently_added: sql`c.created_at DESC, c.id DESC`,
  name_asc: sql`c.sort_name ASC, c.id ASC`,
  last_contacted_at: sql`c.last_contacted_at DESC, c.id DESC`,
};

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

const tagList = (tagIds: string[]) => sql.join(tagIds.map((t) => sql`${t}`), sql`, `);

/**
 * FROM/WHERE shared by the page and the count query. `c` is the contacts row. Tags are an
 * EXISTS check when something else drives the scan (FTS matches, or the sort index for a common
 * tag), and an IN list of the tagged contacts when the tag is rare. (With FTS, an IN list made
 * workerd's SQLite probe every tagged contact for every match: seconds instead of milliseconds.)
 */
export function contactFilter(plan: SearchPlan, tagIds: string[], tagShare = 0): SQL {
  const parts: SQL[] = [];
  if (plan.kind === "fts") {
    // contact_search_keys carries the contact's id and sort keys (trigger-kept):
    // reading it as `c` spares every match a join to contacts.
    parts.push(sql`FROM contact_search s
      JOIN contact_search_keys c ON c.rowid = s.rowid
      WHERE contact_search MATCH ${plan.match}`);
    for (const w of plan.shortWords) {
      parts.push(sql`AND s.body LIKE ${`%${escapeLike(w)}%`} ESCAPE '\\'`);
    }
  } else {
    parts.push(sql`FROM contacts c WHERE 1`);
    if (plan.kind === "prefix") {
      const ranges = plan.prefixes.map((p) => sql`(c.sort_name >= ${p} AND c.sort_name < ${`${p}\u{10FFFF}`})`);
      parts.push(sql`AND (${sql.join(ranges, sql` OR `)})`);
    }
  }
  if (tagIds.length > 0) {
    parts.push(
      plan.kind === "fts" || tagShare >= COMMON_TAG_SHARE
        ? sql`AND EXISTS (SELECT 1 FROM contact_tags ct WHERE ct.contact_id = c.id AND ct.tag_id IN (${tagList(tagIds)}))`
        : sql`AND c.id IN (SELECT ct.contact_id FROM contact_tags ct WHERE ct.tag_id IN (${tagList(tagIds)}))`,
    );
  }
  return sql.join(parts, sql` `);
}

/** Contacts carrying any of the tags, read from the tag index alone. */
export const taggedCountQuery = (tagIds: string[]) =>
  sql`SELECT count(DISTINCT ct.contact_id) AS n FROM contact_tags ct WHERE ct.tag_id IN (${tagList(tagIds)})`;

export const orgTotalQuery = () => sql`SELECT contact_count AS n FROM contact_stats WHERE id = 1`;

/** The two statements of a list request: one page of ids, and the total. */
export function listQueries(p: ListParams): { page: SQL; count: SQL } {
  const plan = planSearch(p.search);
  const base = contactFilter(plan, p.tagIds, p.tagShare);
  const filter = p.extra ? sql`${base} AND ${p.extra}` : base;
  const page = sql`SELECT c.id AS id ${filter} ORDER BY ${ORDER[p.sort]} LIMIT ${p.pageSize} OFFSET ${p.page * p.pageSize}`;
  // Unfiltered totals come from the trigger-maintained counter instead of counting 100k rows.
  const count =
    plan.kind === "none" && p.tagIds.length === 0 && !p.extra ? orgTotalQuery() : sql`SELECT count(*) AS n ${filter}`;
  return { page, count };
}

export interface ListResult {
  ids: string[];
  total: number;
  /** Rows SQLite read for the list statements (the benchmark's and x-rows-read's figure). */
  rowsRead: number;
}

/**
 * Runs a list request: a tag-only filter first measures the tag's share to choose its plan.
 * `knownTotal` (from a counter the caller already has) skips the count query.
 */
export function runList(s: Queries, p: ListParams & { knownTotal?: number }): ListResult {
  let rowsRead = 0;
  const run = <T>(q: SQL) => {
    const r = s.query<T>(q);
    rowsRead += r.rowsRead;
    return r.rows;
  };
  let knownTotal = p.knownTotal;
  let tagShare = p.tagShare;
  if (knownTotal === undefined && p.tagIds.length > 0 && planSearch(p.search).kind === "none" && !p.extra) {
    knownTotal = Number(run<{ n: number }>(taggedCountQuery(p.tagIds))[0]?.n ?? 0);
    tagShare = knownTotal / Math.max(1, Number(run<{ n: number }>(orgTotalQuery())[0]?.n ?? 0));
  }
  const { page, count } = listQueries({ ...p, tagShare });
  const ids = run<{ id: string }>(page).map((r) => r.id);
  const total = knownTotal ?? Number(run<{ n: number }>(count)[0]?.n ?? 0);
  return { ids, total, rowsRead };
}
