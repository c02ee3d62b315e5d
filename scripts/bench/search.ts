/**
 * The list+search section's query kinds: GET /api/contacts/list with values taken from the
 * generated data (measurement and reporting are in listing.ts, shared with the assignments section).
 */
import { type Dataset, frequencies } from "./data";
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
  ];
  return kinds.map((k) => ({ ...k, route: "list" as const }));
}

/** The most common first name, lowercased: the search the mixed-load run loops. */
export function commonFirstName(data: Dataset): string {
  return (frequencies(data.contacts.map((c) => c.firstName))[0]?.[0] ?? "James").toLowerCase();
}

