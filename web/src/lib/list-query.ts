import type { ListQuery, Sort } from "./api";
import { clearFilters, filterCount, readFilters } from "./filters";

export const SORT_OPTIONS: { value: Sort; label: string }[] = [
  { value: "recently_added", label: "Recently added" },
  { value: "name_asc", label: "Name A–Z" },
  { value: "last_contacted_at", label: "Last contacted" },
];

export const PAGE_SIZE = 25;

const isSort = (v: string | null): v is Sort => SORT_OPTIONS.some((o) => o.value === v);

/**
 * A list's state as the URL holds it, so reloads, back/forward and shared links show the same
 * list: `search`, `sort` (left out when it is the default), `tag_ids` (comma-separated), the
 * filters under the API's names (lib/filters.ts) and `page` (1-based for people; the API's pages
 * are 0-based).
 */
export function readListQuery(query: URLSearchParams, defaultSort: Sort): ListQuery {
  const sort = query.get("sort");
  const page = Number.parseInt(query.get("page") ?? "1", 10);
  return {
    search: query.get("search") ?? "",
    sort: isSort(sort) ? sort : defaultSort,
    tagIds: (query.get("tag_ids") ?? "").split(",").filter(Boolean),
    filters: readFilters(query),
    page: Number.isFinite(page) && page > 1 ? page - 1 : 0,
    pageSize: PAGE_SIZE,
  };
}

/** The URL changes for a new sort, tag set or search: each starts again at the first page. */
export const sortChange = (sort: Sort, defaultSort: Sort) => ({ sort: sort === defaultSort ? null : sort, page: null });
export const tagsChange = (tagIds: string[]) => ({ tag_ids: tagIds, page: null });
export const searchChange = (search: string) => ({ search: search.trim(), page: null });
export const pageChange = (page: number) => ({ page: page > 0 ? page + 1 : null });

export const isFiltered = (q: ListQuery) => q.search.trim() !== "" || q.tagIds.length > 0 || filterCount(q.filters ?? {}) > 0;

/** Search, tags and filters all off. */
export const clearAll = () => ({ ...clearFilters(), ...searchChange(""), ...tagsChange([]) });
