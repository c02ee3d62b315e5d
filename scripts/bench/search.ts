/**
 * The list+search section's query kinds: GET /api/contacts/list with values taken from the
 * generated data (measurement and reporting are in listing.ts, shared with the assignments section).
 */
import { type Dataset, frequencies } from "./data";
import type { Filters } from "../../worker/store/search";
import { type ListKind, PAGE_SIZE } from "./listing";

type QueryKind = Omit<ListKind, "route">;

function nationalFormat(national: string): string {
  return `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`;
}

/** Query kinds, with values taken from the generated data so each one hits what it claims. */
export function queryKinds(data: Dataset): ListKind[] {
  const n = data.contacts.length;
  const firsts = frequencies(data.contacts.map((c) => c.firstName));
  const lasts = frequencies(data.contacts.map((c) => c.lastName));
  const [commonFirst, commonFirstCount] = firsts[0] ?? ["James", 0];
  const [commonLast, commonLastCount] = lasts[0] ?? ["Smith", 0];
  const [rareLast, rareLastCount] = lasts[lasts.length - 1] ?? ["Okonkwo", 0];
  const share = (k: number) => `${((100 * k) / n).toFixed(1)}% of contacts`;

  const withPhone = data.contacts.slice(Math.floor(n * 0.37)).find((c) => c.phones.length > 0);
  const national = withPhone?.phones[0]?.nationalDigits ?? "5551234567";
  const withEmail = data.contacts
    .slice(Math.floor(n * 0.61))
    .find((c) => c.emails.some((e) => e.email.startsWith(`${c.firstName.toLowerCase()}.`)));
  const email = withEmail?.emails.find((e) => e.email.includes("."))?.email ?? "mary.johnson@gmail.com";
  const emailFragment = email.slice(0, email.indexOf(".") + 4);
  const tagUse = frequencies(data.contacts.flatMap((c) => c.tagIds));
  const tagName = (id: string | undefined) => data.tags.find((t) => t.id === id)?.name ?? "?";
  const [bigTag, bigTagCount] = tagUse[0] ?? ["", 0];
  const [smallTag, smallTagCount] = tagUse[tagUse.length - 1] ?? ["", 0];
  const tagIds = bigTag ? [bigTag] : [];

  const kinds: QueryKind[] = [
    { name: "common first name", note: `"${commonFirst.toLowerCase()}", first name of ${share(commonFirstCount)}`, search: commonFirst.toLowerCase(), sort: "recently_added", tagIds: [], page: 0 },
    { name: "common last name", note: `"${commonLast.toLowerCase()}", last name of ${share(commonLastCount)}`, search: commonLast.toLowerCase(), sort: "name_asc", tagIds: [], page: 0 },
    { name: "rare name", note: `"${rareLast.toLowerCase()}", last name of ${rareLastCount} contacts`, search: rareLast.toLowerCase(), sort: "recently_added", tagIds: [], page: 0 },
    { name: "full name", note: `"${commonFirst} ${commonLast}" (two FTS terms)`, search: `${commonFirst} ${commonLast}`, sort: "recently_added", tagIds: [], page: 0 },
    { name: "phone last 4", note: `"${national.slice(6)}"`, search: national.slice(6), sort: "recently_added", tagIds: [], page: 0 },
    { name: "phone fragment", note: `"${nationalFormat(national).slice(0, 12)}" as typed`, search: nationalFormat(national).slice(0, 12), sort: "recently_added", tagIds: [], page: 0 },
    { name: "phone full", note: `"${nationalFormat(national)}" national format`, search: nationalFormat(national), sort: "recently_added", tagIds: [], page: 0 },
    { name: "email fragment", note: `"${emailFragment}" (from ${email})`, search: emailFragment, sort: "recently_added", tagIds: [], page: 0 },
    { name: "company fragment", note: `"logist" (… Logistics)`, search: "logist", sort: "name_asc", tagIds: [], page: 0 },
    { name: "2-char prefix", note: `"${commonFirst.slice(0, 2).toLowerCase()}" (sort_name range, no FTS)`, search: commonFirst.slice(0, 2).toLowerCase(), sort: "name_asc", tagIds: [], page: 0 },
    { name: "empty recently_added", note: "no search", sort: "recently_added", tagIds: [], page: 0 },
    { name: "empty name_asc", note: "no search", sort: "name_asc", tagIds: [], page: 0 },
    { name: "empty last_contacted_at", note: "no search", sort: "last_contacted_at", tagIds: [], page: 0 },
    { name: "tag filter", note: `tag "${tagName(bigTag)}" on ${share(bigTagCount)}`, sort: "recently_added", tagIds, page: 0 },
    { name: "rare tag filter", note: `tag "${tagName(smallTag)}" on ${share(smallTagCount)}`, sort: "recently_added", tagIds: smallTag ? [smallTag] : [], page: 0 },
    { name: "common name + tag", note: `"${commonFirst.toLowerCase()}" and tag "${tagName(bigTag)}"`, search: commonFirst.toLowerCase(), sort: "recently_added", tagIds, page: 0 },
    { name: "deep page", note: `empty search, name_asc, page 400 (offset ${400 * PAGE_SIZE})`, sort: "name_asc", tagIds: [], page: 400 },
    ...filterKinds(data),
  ];
  return kinds.map((k) => ({ ...k, route: "list" as const }));
}

const day = (d: string) => `${d}T00:00:00.000Z`;

/**
 * One kind per filter of the list (and the combinations people use), with values from the data
 * so each hits what it claims. Dates are UTC days (the bench organization has no time zone).
 */
function filterKinds(data: Dataset): QueryKind[] {
  const n = data.contacts.length;
  const share = (k: number) => `${((100 * k) / n).toFixed(1)}% of contacts`;
  const count = (match: (c: Dataset["contacts"][number]) => boolean) => share(data.contacts.filter(match).length);
  const perMember = frequencies([...data.assignments.values()].flat());
  const [busy] = perMember[0] ?? [""];
  const [quiet] = perMember[perMember.length - 1] ?? [""];
  const assigned = (id: string) => (c: { id: string }) => data.assignments.get(c.id)?.includes(id) ?? false;
  const tagUse = frequencies(data.contacts.flatMap((c) => c.tagIds));
  const [[tag1] = [""], [tag2] = [""]] = tagUse;
  const stub = (c: { firstName: string; lastName: string }) => `${c.firstName}${c.lastName}`.trim() === "";
  const filter = (params: Record<string, string>, resolved: Filters) => ({ params, resolved });
  return [
    { name: "status rare", note: `status=inactive: ${count((c) => c.status === "inactive")}`, sort: "recently_added", tagIds: [], page: 0, filters: filter({ status: "inactive" }, { statuses: ["inactive"] }) },
    { name: "status common", note: `status=active: ${count((c) => c.status === "active")}`, sort: "name_asc", tagIds: [], page: 0, filters: filter({ status: "active" }, { statuses: ["active"] }) },
    { name: "stage", note: `pipeline_stage=customer: ${count((c) => c.pipelineStage === "customer")}`, sort: "recently_added", tagIds: [], page: 0, filters: filter({ pipeline_stage: "customer" }, { stages: ["customer"] }) },
    { name: "no stage", note: `pipeline_stage=none: ${count((c) => c.pipelineStage === null)}`, sort: "name_asc", tagIds: [], page: 0, filters: filter({ pipeline_stage: "none" }, { stages: ["none"] }) },
    { name: "source", note: `source=web: ${count((c) => c.source === "web")}`, sort: "recently_added", tagIds: [], page: 0, filters: filter({ source: "web" }, { sources: ["web"] }) },
    { name: "assigned member", note: `assigned_to=the busiest member: ${count(assigned(busy))}`, sort: "recently_added", tagIds: [], page: 0, filters: filter({ assigned_to: busy }, { assigned: { member: busy } }) },
    { name: "unassigned", note: `assigned_to=unassigned: ${count((c) => !data.assignments.has(c.id))}`, sort: "recently_added", tagIds: [], page: 0, filters: filter({ assigned_to: "unassigned" }, { assigned: { unassigned: true } }) },
    { name: "tags all", note: `the two biggest tags, tag_match=all: ${count((c) => c.tagIds.includes(tag1) && c.tagIds.includes(tag2))}`, sort: "recently_added", tagIds: [tag1, tag2], page: 0, filters: filter({ tag_match: "all" }, { tagMatch: "all" }) },
    { name: "created range", note: `created_from=2026-03-01: ${count((c) => c.createdAt >= day("2026-03-01"))}`, sort: "recently_added", tagIds: [], page: 0, filters: filter({ created_from: "2026-03-01" }, { created: { from: day("2026-03-01") } }) },
    { name: "created month, name_asc", note: `January 2026: ${count((c) => c.createdAt >= day("2026-01-01") && c.createdAt < day("2026-02-01"))}`, sort: "name_asc", tagIds: [], page: 0, filters: filter({ created_from: "2026-01-01", created_to: "2026-01-31" }, { created: { from: day("2026-01-01"), to: day("2026-02-01") } }) },
    { name: "not contacted in a year", note: `last_contacted_to=2025-05-31: ${count((c) => c.lastContactedAt !== null && c.lastContactedAt < day("2025-06-01"))}`, sort: "last_contacted_at", tagIds: [], page: 0, filters: filter({ last_contacted_to: "2025-05-31" }, { lastContacted: { to: day("2025-06-01") } }) },
    { name: "never contacted", note: `never_contacted=true: ${count((c) => c.lastContactedAt === null)} (estimated total)`, sort: "recently_added", tagIds: [], page: 0, filters: filter({ never_contacted: "true" }, { neverContacted: true }) },
    { name: "no name", note: `no_name=true: ${count(stub)}`, sort: "recently_added", tagIds: [], page: 0, filters: filter({ no_name: "true" }, { noName: true }) },
    { name: "do not contact", note: `do_not_contact=true: ${count((c) => c.status === "do_not_contact")}`, sort: "recently_added", tagIds: [], page: 0, filters: filter({ do_not_contact: "true" }, { doNotContact: true }) },
    {
      name: "broad combination",
      note: `active, from an import, unassigned: ${count((c) => c.status === "active" && c.source === "import" && !data.assignments.has(c.id))} (estimated total)`,
      sort: "recently_added",
      tagIds: [],
      page: 0,
      filters: filter({ status: "active", source: "import", assigned_to: "unassigned" }, { statuses: ["active"], sources: ["import"], assigned: { unassigned: true } }),
    },
    {
      name: "narrow combination",
      note: `customers of the quietest member created since 2025-06-01: ${count((c) => c.pipelineStage === "customer" && assigned(quiet)(c) && c.createdAt >= day("2025-06-01"))}`,
      sort: "name_asc",
      tagIds: [],
      page: 0,
      filters: filter({ pipeline_stage: "customer", assigned_to: quiet, created_from: "2025-06-01" }, { stages: ["customer"], assigned: { member: quiet }, created: { from: day("2025-06-01") } }),
    },
    { name: "filter deep page", note: `status=active, name_asc, page 200 (offset ${200 * PAGE_SIZE})`, sort: "name_asc", tagIds: [], page: 200, filters: filter({ status: "active" }, { statuses: ["active"] }) },
  ];
}

/** The most common first name, lowercased: the search the mixed-load run loops. */
export function commonFirstName(data: Dataset): string {
  return (frequencies(data.contacts.map((c) => c.firstName))[0]?.[0] ?? "James").toLowerCase();
}

