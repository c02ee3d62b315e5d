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

/** A list's filters with their values resolved: dates as ISO instants (`to` exclusive), "me" as a member. */
export interface Filters {
  tagMatch?: "any" | "all";
  statuses?: string[];
  /** "none": no stage. */
  stages?: string[];
  sources?: string[];
  assigned?: { unassigned: true } | { member: string };
  created?: Range;
  lastContacted?: Range;
  noName?: boolean;
  doNotContact?: boolean;
  neverContacted?: boolean;
}

export interface Range {
  from?: string;
  to?: string;
}

export interface ListParams {
  search?: string;
  sort: Sort;
  tagIds: string[];
  filters?: Filters;
  page: number;
  /** -1: every match, no count (an export's or a bulk change's snapshot). */
  pageSize: number;
  /** Count every match even past the usual bound (total_exact is then true). */
  exactCount?: boolean;
}

const ORDER: Record<Sort, SQL> = {
  recently_added: sql`c.created_at DESC, c.id DESC`,
  name_asc: sql`c.sort_name ASC, c.id ASC`,
  last_contacted_at: sql`c.last_contacted_at DESC, c.id DESC`,
};

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

const valueList = (values: string[]) => sql.join(values.map((t) => sql`${t}`), sql`, `);

/** The sort_name of a contact without a name (it sorts after every name). */
const NO_NAME = sql`char(1114111)`;

/**
 * One filter. `check` says whether the row matches: `c` has the contact's id and sort keys, `x`
 * its other columns (the same row, except under a full-text search); `plus` is SQLite's unary +,
 * which keeps the planner from driving the query with that column's index (the plan is chosen
 * here, by counts). `driver` lists the matching ids through an index; `size` is how many match
 * (from contact_counts), or `sizeQuery` counts them up to a bound.
 */
interface Condition {
  check(x: SQL, plus: SQL): SQL;
  driver?: SQL;
  size?: { n: number; exact: boolean };
  sizeQuery?: SQL;
  /** The sort whose index this condition bounds (so it is never hidden from the planner). */
  sortKey?: Sort;
  /** The driver lists only a superset (all of several tags: the rarest tag's contacts): check it too. */
  loose?: boolean;
}

interface Counters {
  total: number;
  assigned: number;
  counts: Map<string, number>;
}

const counted = (k: Counters, facet: string, value: string) => k.counts.get(`${facet}\u0000${value}`) ?? 0;

function rangeCondition(column: "created_at" | "last_contacted_at", r: Range, sortKey: Sort): Condition {
  const col = sql.raw(column);
  const bounds = (row: SQL, plus: SQL) =>
    sql.join(
      [...(r.from ? [sql`${plus}${row}.${col} >= ${r.from}`] : []), ...(r.to ? [sql`${plus}${row}.${col} < ${r.to}`] : [])],
      sql` AND `,
    );
  const driver = sql`SELECT id FROM contacts c WHERE ${bounds(sql.raw("c"), sql``)}`;
  return { check: (_x, plus) => sql`(${bounds(sql.raw("c"), plus)})`, driver, sizeQuery: driver, sortKey };
}

/** The filters as conditions, with what contact_counts knows about their sizes. */
function conditions(p: ListParams, k: Counters | undefined): Condition[] {
  const f = p.filters ?? {};
  const out: Condition[] = [];
  const sum = (facet: string, values: string[]) => (k ? values.reduce((n, v) => n + counted(k, facet, v), 0) : 0);
  if (p.tagIds.length) {
    const all = f.tagMatch === "all" && p.tagIds.length > 1;
    if (all) {
      const sizes = p.tagIds.map((t) => ({ t, n: k ? counted(k, "tag", t) : 0 })).sort((a, b) => a.n - b.n);
      out.push({
        check: () => sql.join(p.tagIds.map((t) => sql`EXISTS (SELECT 1 FROM contact_tags ct WHERE ct.contact_id = c.id AND ct.tag_id = ${t})`), sql` AND `),
        driver: sql`SELECT contact_id AS id FROM contact_tags WHERE tag_id = ${sizes[0]!.t}`,
        size: { n: sizes[0]!.n, exact: false },
        loose: true,
      });
    } else {
      out.push({
        check: () => sql`EXISTS (SELECT 1 FROM contact_tags ct WHERE ct.contact_id = c.id AND ct.tag_id IN (${valueList(p.tagIds)}))`,
        driver:
          p.tagIds.length === 1
            ? sql`SELECT contact_id AS id FROM contact_tags WHERE tag_id = ${p.tagIds[0]}`
            : sql`SELECT DISTINCT contact_id AS id FROM contact_tags WHERE tag_id IN (${valueList(p.tagIds)})`,
        size: { n: sum("tag", p.tagIds), exact: p.tagIds.length === 1 },
      });
    }
  }
  if (f.statuses?.length) {
    const list = valueList(f.statuses);
    out.push({
      check: (x, plus) => sql`${plus}${x}.status IN (${list})`,
      driver: sql`SELECT id FROM contacts WHERE status IN (${list})`,
      size: { n: sum("status", f.statuses), exact: true },
    });
  }
  for (const [values, column, facet] of [
    [f.stages, "pipeline_stage", "stage"],
    [f.sources, "source", "source"],
  ] as const) {
    if (!values?.length) continue;
    const col = sql.raw(column);
    const named = values.filter((v) => !(facet === "stage" && v === "none"));
    const none = named.length < values.length;
    const parts = (row: SQL, plus: SQL) => [
      ...(named.length ? [sql`${plus}${row}.${col} IN (${valueList(named)})`] : []),
      ...(none ? [sql`${plus}${row}.${col} IS NULL`] : []),
    ];
    out.push({
      check: (x, plus) => sql`(${sql.join(parts(x, plus), sql` OR `)})`,
      driver: sql.join(
        parts(sql.raw("contacts"), sql``).map((where) => sql`SELECT id FROM contacts WHERE ${where}`),
        sql` UNION ALL `,
      ),
      size: { n: sum(facet, named) + (none ? sum(facet, [""]) : 0), exact: true },
    });
  }
  if (f.assigned && "member" in f.assigned) {
    const member = f.assigned.member;
    out.push({
      check: () => sql`EXISTS (SELECT 1 FROM contact_user cu WHERE cu.contact_id = c.id AND cu.member_id = ${member})`,
      driver: sql`SELECT contact_id AS id FROM contact_user WHERE member_id = ${member}`,
      size: { n: k ? counted(k, "member", member) : 0, exact: true },
    });
  } else if (f.assigned) {
    out.push({
      check: () => sql`NOT EXISTS (SELECT 1 FROM contact_user cu WHERE cu.contact_id = c.id)`,
      size: { n: k ? k.total - k.assigned : 0, exact: true },
    });
  }
  if (f.created) out.push(rangeCondition("created_at", f.created, "recently_added"));
  if (f.lastContacted) out.push(rangeCondition("last_contacted_at", f.lastContacted, "last_contacted_at"));
  // A yes/no filter with a counter: `yes` and `no` are conditions on a sort key of `c`.
  const counterFlag = (on: boolean, facet: string, yes: SQL, no: SQL, sortKey: Sort): Condition => {
    const n = k ? counted(k, facet, "") : 0;
    return on
      ? { check: (_x, plus) => sql`${plus}${yes}`, driver: sql`SELECT id FROM contacts c WHERE ${yes}`, size: { n, exact: true }, sortKey }
      : { check: (_x, plus) => sql`${plus}${no}`, size: { n: (k?.total ?? 0) - n, exact: true }, sortKey };
  };
  if (f.noName !== undefined) out.push(counterFlag(f.noName, "no_name", sql`c.sort_name = ${NO_NAME}`, sql`c.sort_name < ${NO_NAME}`, "name_asc"));
  if (f.neverContacted !== undefined) {
    out.push(counterFlag(f.neverContacted, "never_contacted", sql`c.last_contacted_at IS NULL`, sql`c.last_contacted_at IS NOT NULL`, "last_contacted_at"));
  }
  if (f.doNotContact !== undefined) {
    // Counted by triggers (migrations/store/0017): status do_not_contact, or any opt-out.
    const n = k ? counted(k, "do_not_contact", "") : 0;
    const dnc = (x: SQL, plus: SQL) =>
      sql`(${plus}${x}.status = 'do_not_contact' OR EXISTS (SELECT 1 FROM contact_opt_outs o WHERE o.contact_id = c.id))`;
    const driver = sql`SELECT id FROM contacts WHERE status = 'do_not_contact' UNION SELECT contact_id AS id FROM contact_opt_outs`;
    out.push(
      f.doNotContact
        ? { check: dnc, driver, size: { n, exact: true } }
        : { check: (x, plus) => sql`NOT ${dnc(x, plus)}`, size: { n: (k?.total ?? 0) - n, exact: true } },
    );
  }
  return out;
}

export const hasFilters = (f: Filters | undefined) => !!f && Object.entries(f).some(([key, v]) => key !== "tagMatch" && v !== undefined);

/** The counters the conditions need, read in one statement: contact_counts' rows and contact_stats. */
function countersQuery(p: ListParams): SQL {
  const f = p.filters ?? {};
  const wanted: [string, string][] = [
    ...p.tagIds.map((t) => ["tag", t] as [string, string]),
    ...(f.statuses ?? []).map((v) => ["status", v] as [string, string]),
    ...(f.stages ?? []).map((v) => ["stage", v === "none" ? "" : v] as [string, string]),
    ...(f.sources ?? []).map((v) => ["source", v] as [string, string]),
    ...(f.assigned && "member" in f.assigned ? [["member", f.assigned.member] as [string, string]] : []),
    ...(f.noName !== undefined ? [["no_name", ""] as [string, string]] : []),
    ...(f.neverContacted !== undefined ? [["never_contacted", ""] as [string, string]] : []),
    ...(f.doNotContact !== undefined ? [["do_not_contact", ""] as [string, string]] : []),
  ];
  const rows = wanted.map(([facet, value]) => sql`(facet = ${facet} AND value = ${value})`);
  return sql`SELECT 'total' AS facet, '' AS value, contact_count AS n FROM contact_stats WHERE id = 1
    UNION ALL SELECT 'assigned', '', assigned_count FROM contact_stats WHERE id = 1
    ${rows.length ? sql`UNION ALL SELECT facet, value, n FROM contact_counts WHERE ${sql.join(rows, sql` OR `)}` : sql``}`;
}

/** Contacts carrying any of the tags, read from the tag index alone. */
export const taggedCountQuery = (tagIds: string[]) =>
  sql`SELECT count(DISTINCT ct.contact_id) AS n FROM contact_tags ct WHERE ct.tag_id IN (${valueList(tagIds)})`;

export const orgTotalQuery = () => sql`SELECT contact_count AS n FROM contact_stats WHERE id = 1`;

/** A driver this small is counted exactly; a condition's size is counted up to it. */
export const EXACT_LIMIT = 10_000;
/** Contacts an estimate looks at (evenly spread over the table). */
export const SAMPLE = 2_000;

const PLUS = sql.raw("+");
const NONE = sql``;
const C = sql.raw("c");

export interface ListResult {
  ids: string[];
  total: number;
  /** false: total is an estimate (the list had no small enough way to count). */
  exact: boolean;
  /** Rows SQLite read for the list statements (the benchmark's and x-rows-read's figure). */
  rowsRead: number;
}

/** Two significant digits: an estimate says no more than it knows. */
const roughly = (n: number) => {
  if (n < 100) return Math.round(n);
  const unit = 10 ** (Math.floor(Math.log10(n)) - 1);
  return Math.round(n / unit) * unit;
};

/**
 * Runs a list request. With a search, the search drives (its matches are counted exactly) and
 * every filter is a check on each match. Without one, each filter's size is known from counters
 * (or counted up to EXACT_LIMIT): the smallest is the driver when reading it is cheaper than
 * walking the sort's index until the page is full, and the total is a counter, an exact count
 * through a driver of at most EXACT_LIMIT, or else an estimate from SAMPLE contacts spread evenly
 * over the table (total_exact false). Every statement is bounded by an index or the sample.
 */
export function runList(s: Queries, p: ListParams): ListResult {
  let rowsRead = 0;
  const run = <T>(q: SQL) => {
    const r = s.query<T>(q);
    rowsRead += r.rowsRead;
    return r.rows;
  };
  const plan = planSearch(p.search);
  const order = ORDER[p.sort];
  const limit = sql`LIMIT ${p.pageSize} OFFSET ${p.pageSize < 0 ? 0 : p.page * p.pageSize}`;
  const all = p.pageSize < 0;

  if (plan.kind !== "none") {
    // The search drives; filters are checks.
    const conds = conditions(p, undefined);
    const needsRow = plan.kind === "fts" && hasFilters(p.filters);
    const parts: SQL[] = [];
    if (plan.kind === "fts") {
      // contact_search_keys carries the contact's id and sort keys (trigger-kept): reading it as
      // `c` spares every match a join to contacts, unless a filter needs the contact's columns.
      parts.push(sql`FROM contact_search s JOIN contact_search_keys c ON c.rowid = s.rowid`);
      if (needsRow) parts.push(sql`JOIN contacts x ON x.id = c.id`);
      parts.push(sql`WHERE contact_search MATCH ${plan.match}`);
      for (const w of plan.shortWords) parts.push(sql`AND s.body LIKE ${`%${escapeLike(w)}%`} ESCAPE '\\'`);
    } else {
      parts.push(sql`FROM contacts c WHERE 1`);
      if (plan.kind === "prefix") {
        const ranges = plan.prefixes.map((q) => sql`(c.sort_name >= ${q} AND c.sort_name < ${`${q}\u{10FFFF}`})`);
        parts.push(sql`AND (${sql.join(ranges, sql` OR `)})`);
      }
    }
    const x = needsRow ? sql.raw("x") : C;
    for (const cond of conds) parts.push(sql`AND ${cond.check(x, PLUS)}`);
    const from = sql.join(parts, sql` `);
    const ids = run<{ id: string }>(sql`SELECT c.id AS id ${from} ORDER BY ${order} ${limit}`).map((r) => r.id);
    if (all) return { ids, total: ids.length, exact: true, rowsRead };
    const total = Number(run<{ n: number }>(sql`SELECT count(*) AS n ${from}`)[0]?.n ?? 0);
    return { ids, total, exact: true, rowsRead };
  }

  if (p.tagIds.length === 0 && !hasFilters(p.filters)) {
    // Everyone: the sort's index, and the trigger-kept total.
    const ids = run<{ id: string }>(sql`SELECT c.id AS id FROM contacts c ORDER BY ${order} ${limit}`).map((r) => r.id);
    if (all) return { ids, total: ids.length, exact: true, rowsRead };
    const total = Number(run<{ n: number }>(orgTotalQuery())[0]?.n ?? 0);
    return { ids, total, exact: true, rowsRead };
  }
  const k: Counters = { total: 0, assigned: 0, counts: new Map() };
  for (const r of run<{ facet: string; value: string; n: number }>(countersQuery(p))) {
    if (r.facet === "total") k.total = Number(r.n);
    else if (r.facet === "assigned") k.assigned = Number(r.n);
    else k.counts.set(`${r.facet}\u0000${r.value}`, Number(r.n));
  }
  const conds = conditions(p, k);
  // Sizes by counting (dates, do not contact), up to EXACT_LIMIT or the smallest size known:
  // a set bigger than another driver will not drive.
  let smallest = Math.min(EXACT_LIMIT, ...conds.flatMap((c) => (c.driver && c.size ? [c.size.n] : [])));
  for (const cond of conds) {
    if (cond.size || !cond.sizeQuery) continue;
    const n = Number(run<{ n: number }>(sql`SELECT count(*) AS n FROM (${cond.sizeQuery} LIMIT ${smallest + 1})`)[0]?.n ?? 0);
    if (n <= smallest) {
      cond.size = { n, exact: true };
      smallest = n;
    }
  }
  const checks = (driven?: Condition) =>
    conds.filter((cond) => cond !== driven || cond.loose).map((cond) => cond.check(C, cond.sortKey === p.sort ? NONE : PLUS));
  const where = (list: SQL[]) => (list.length ? sql`WHERE ${sql.join(list, sql` AND `)}` : sql``);
  const drivers = conds.filter((cond) => cond.driver && cond.size).sort((a, b) => a.size!.n - b.size!.n);
  const driver = drivers[0];
  const viaDriver = (d: Condition) => sql`FROM (${d.driver}) d CROSS JOIN contacts c ON c.id = d.id ${where(checks(d))}`;
  const walk = sql`FROM contacts c ${where(checks())}`;

  // The total, when it can be had without reading more than EXACT_LIMIT contacts.
  let total: number | undefined;
  let exact = true;
  const only = conds.length === 1 ? conds[0] : undefined;
  if (conds.length === 0) total = k.total;
  else if (only?.size?.exact) total = only.size.n;
  else if (only && p.tagIds.length > 1 && p.filters?.tagMatch !== "all") total = Number(run<{ n: number }>(taggedCountQuery(p.tagIds))[0]?.n ?? 0);
  if (total === undefined && !all && (p.exactCount || (driver && driver.size!.n <= EXACT_LIMIT))) {
    total = Number(run<{ n: number }>(sql`SELECT count(*) AS n ${driver ? viaDriver(driver) : walk}`)[0]?.n ?? 0);
  }
  let estimate: number | undefined;
  if (total === undefined && !all) {
    const [r] = run<{ sampled: number; matched: number }>(sql`WITH RECURSIVE
      e(lo, hi) AS (SELECT (SELECT min(rowid) FROM contacts), (SELECT max(rowid) FROM contacts)),
      b(lo, step, hi) AS MATERIALIZED (SELECT lo, CAST((hi - lo) / ${SAMPLE} AS INTEGER) + 1, hi FROM e),
      s(r) AS (SELECT lo FROM b UNION ALL SELECT r + step FROM s, b WHERE r + step <= hi)
      SELECT count(*) AS sampled, coalesce(sum(CASE WHEN ${sql.join(checks(), sql` AND `)} THEN 1 ELSE 0 END), 0) AS matched
      FROM s CROSS JOIN contacts c ON c.rowid = s.r`);
    estimate = r && Number(r.sampled) > 0 ? (Number(r.matched) / Number(r.sampled)) * k.total : 0;
  }

  // The page: through the smallest driver, or along the sort's index checking each contact,
  // whichever reads fewer rows (walking reads about (offset + page) / share of the index).
  const share = Math.max(total ?? estimate ?? k.total, 1) / Math.max(k.total, 1);
  const walkRows = all ? k.total : Math.min(k.total, (p.page * p.pageSize + p.pageSize) / share);
  const from = driver && driver.size!.n < walkRows ? viaDriver(driver) : walk;
  const ids = run<{ id: string }>(sql`SELECT c.id AS id ${from} ORDER BY ${order} ${limit}`).map((r) => r.id);
  if (all) return { ids, total: ids.length, exact: true, rowsRead };
  if (total === undefined) {
    const offset = p.page * p.pageSize;
    // A page that is not full ends the list: its total is known.
    if ((ids.length > 0 || offset === 0) && ids.length < p.pageSize) total = offset + ids.length;
    else {
      exact = false;
      total = ids.length === 0 ? Math.min(roughly(estimate ?? 0), offset) : Math.max(roughly(estimate ?? 0), offset + ids.length);
    }
  }
  return { ids, total, exact, rowsRead };
}
