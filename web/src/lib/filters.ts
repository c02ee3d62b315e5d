import { formatDate } from "./format";

// The contact list's filters as the URL (and GET /api/contacts/list) spells them, and as JSON
// (a saved view's query, a bulk change's `matching`): lists are comma-separated in the URL and
// arrays in JSON; yes/no filters are "true"/"false" in the URL and booleans in JSON.

export const LIST_KEYS = ["status", "pipeline_stage", "source"] as const;
export const FLAG_KEYS = ["no_name", "do_not_contact", "never_contacted"] as const;
export const TEXT_KEYS = ["assigned_to", "tag_match", "created_from", "created_to", "last_contacted_from", "last_contacted_to"] as const;
export const FILTER_KEYS = [...LIST_KEYS, ...TEXT_KEYS, ...FLAG_KEYS] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

type Flag = "true" | "false";
/** Filter name → its URL value; absent when not filtering. */
export type Filters = Partial<Record<Exclude<FilterKey, (typeof FLAG_KEYS)[number] | "tag_match">, string>> & {
  no_name?: Flag;
  do_not_contact?: Flag;
  never_contacted?: Flag;
  tag_match?: "any" | "all";
};

const isList = (k: string): k is (typeof LIST_KEYS)[number] => (LIST_KEYS as readonly string[]).includes(k);
const isFlag = (k: string): k is (typeof FLAG_KEYS)[number] => (FLAG_KEYS as readonly string[]).includes(k);

export function readFilters(query: URLSearchParams): Filters {
  const out: Filters = {};
  for (const key of FILTER_KEYS) {
    const v = query.get(key)?.trim();
    if (!v) continue;
    if (isFlag(key) && v !== "true" && v !== "false") continue;
    if (key === "tag_match" && v !== "all") continue;
    (out as Record<string, string>)[key] = v;
  }
  return out;
}

export const listValues = (f: Filters, key: (typeof LIST_KEYS)[number]) => (f[key] ?? "").split(",").filter(Boolean);

/** How many filters are on (tag_match is part of the tag filter, not one of its own). */
export const filterCount = (f: Filters) => FILTER_KEYS.filter((k) => k !== "tag_match" && f[k] !== undefined).length;

/** The filters as JSON: arrays and booleans. */
export function filtersJson(f: Filters): Record<string, string | string[] | boolean> {
  const out: Record<string, string | string[] | boolean> = {};
  for (const [key, v] of Object.entries(f)) {
    if (v === undefined) continue;
    out[key] = isList(key) ? v.split(",").filter(Boolean) : isFlag(key) ? v === "true" : v;
  }
  return out;
}

/** JSON filters (a saved view's) back into URL values. */
export function filtersFromJson(q: Record<string, unknown>): Filters {
  const out: Filters = {};
  for (const key of FILTER_KEYS) {
    const v = q[key];
    const set = (value: string) => ((out as Record<string, string>)[key] = value);
    if (Array.isArray(v) && v.length) set(v.join(","));
    else if (typeof v === "boolean") set(String(v));
    else if (typeof v === "string" && v) set(v);
  }
  return out;
}

/** The URL change that sets these filters (null removes one) and goes back to the first page. */
export function filtersChange(patch: Partial<Record<FilterKey, string | null>>) {
  return { ...Object.fromEntries(Object.entries(patch).map(([k, v]) => [k, v === undefined || v === "" ? null : v])), page: null };
}

/** Every filter off. */
export const clearFilters = () => filtersChange(Object.fromEntries(FILTER_KEYS.map((k) => [k, null])));

// ---- Words ------------------------------------------------------------------------------------

export const STATUS_LABELS: Record<string, string> = { active: "Active", inactive: "Inactive", do_not_contact: "Do not contact", archived: "Archived" };
export const STAGE_LABELS: Record<string, string> = {
  lead: "Lead",
  prospect: "Prospect",
  qualified: "Qualified",
  customer: "Customer",
  churned: "Churned",
  none: "No stage",
};

/** Relative ranges a saved view keeps meaning ("-30d": 30 days before now). */
export const CREATED_PRESETS = [
  { value: "", label: "Any time" },
  { value: "from:-7d", label: "Last 7 days" },
  { value: "from:-30d", label: "Last 30 days" },
  { value: "from:-90d", label: "Last 90 days" },
  { value: "from:-365d", label: "Last 12 months" },
  { value: "custom", label: "Between dates…" },
];
export const CONTACTED_PRESETS = [
  { value: "", label: "Any time" },
  { value: "from:-7d", label: "In the last 7 days" },
  { value: "from:-30d", label: "In the last 30 days" },
  { value: "to:-30d", label: "Not in 30 days" },
  { value: "to:-90d", label: "Not in 90 days" },
  { value: "never", label: "Never" },
  { value: "custom", label: "Between dates…" },
];

/** Which preset a range is, from its URL values ("custom" for dates). */
export function presetOf(from: string | undefined, to: string | undefined, presets: { value: string }[]): string {
  if (!from && !to) return "";
  const key = from && !to ? `from:${from}` : to && !from ? `to:${to}` : "";
  return presets.some((p) => p.value === key) ? key : "custom";
}

const dateWords = (v: string) => {
  const days = /^-(\d+)d$/.exec(v);
  // A bare date is a day: read it at local noon, so no time zone moves it to another day.
  return days ? `${days[1]} days ago` : formatDate(v.length === 10 ? `${v}T12:00:00` : v);
};

/** A range in words for its chip: "last 30 days", "before Mar 3, 2026", "Mar 1 – Mar 31, 2026". */
export function rangeWords(from: string | undefined, to: string | undefined, presets: { value: string; label: string }[]): string {
  const preset = presets.find((p) => p.value === presetOf(from, to, presets) && p.value !== "custom" && p.value !== "");
  if (preset) return preset.label.toLowerCase();
  if (from && to) return `${dateWords(from)} – ${dateWords(to)}`;
  if (from) return `since ${dateWords(from)}`;
  return `up to ${dateWords(to ?? "")}`;
}
