import { sql } from "drizzle-orm";
import { nowIso } from "../lib/ids";
import { Problem } from "../lib/problem";
import type { Contact } from "../schemas/contacts";
import { loadContacts, missingContact } from "./contacts";
import type { StoreContext } from "./context";

// Duplicate suggestions: contacts sharing a key (duplicate_keys, kept by the triggers of
// migration 0014 as data changes), as pairs with their reasons, strongest first. A request reads
// only the shared keys (duplicate_groups WHERE n > 1, a partial index), never the whole organization.

export const DUPLICATE_REASONS = {
  external_id: { weight: 5, text: "Same external id" },
  email: { weight: 4, text: "Same email address" },
  phone: { weight: 3, text: "Numbers that differ only by country code or national prefix" },
  name_company: { weight: 3, text: "Same name and company" },
  name_phone: { weight: 2, text: "Same name and the same last four digits" },
} as const;
export type DuplicateReason = keyof typeof DUPLICATE_REASONS;

/** Shared keys read per request, and contacts per key (a key shared by more is a shared mailbox, not a person). */
const GROUPS_MAX = 5000;
const GROUP_SIZE_MAX = 10;

export interface DuplicatePair {
  contacts: [Contact, Contact];
  reasons: { kind: DuplicateReason; text: string; value: string }[];
  score: number;
}

const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

/** GET /api/duplicates: likely pairs, strongest first (`cursor`: how many were shown). */
export function listDuplicates(s: StoreContext, limit: number, cursor?: string) {
  const groups = s.all<{ kind: DuplicateReason; key: string; members: string }>(sql`SELECT g.kind, g.key,
      (SELECT json_group_array(k.contact_id) FROM (SELECT contact_id FROM duplicate_keys k WHERE k.kind = g.kind AND k.key = g.key LIMIT ${GROUP_SIZE_MAX + 1}) k) AS members
    FROM duplicate_groups g WHERE g.n > 1 LIMIT ${GROUPS_MAX}`);
  const pairs = new Map<string, { a: string; b: string; reasons: Map<DuplicateReason, string> }>();
  for (const g of groups) {
    const members = JSON.parse(g.members) as string[];
    if (members.length > GROUP_SIZE_MAX) continue;
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        const key = pairKey(members[i]!, members[j]!);
        const [a, b] = key.split("|") as [string, string];
        const pair = pairs.get(key) ?? { a, b, reasons: new Map() };
        pair.reasons.set(g.kind, g.key);
        pairs.set(key, pair);
      }
    }
  }
  if (pairs.size) {
    const keys = [...pairs.keys()];
    const dismissed = s.all<{ k: string }>(sql`SELECT d.contact_a || '|' || d.contact_b AS k FROM json_each(${JSON.stringify(keys)}) j
      JOIN duplicate_dismissals d ON d.contact_a = substr(j.value, 1, instr(j.value, '|') - 1) AND d.contact_b = substr(j.value, instr(j.value, '|') + 1)`);
    for (const { k } of dismissed) pairs.delete(k);
  }
  const scored = [...pairs.values()]
    .map((p) => ({ ...p, score: [...p.reasons.keys()].reduce((n, k) => n + DUPLICATE_REASONS[k].weight, 0) }))
    .sort((x, y) => y.score - x.score || (x.a + x.b < y.a + y.b ? 1 : -1));
  const offset = cursor ? Number.parseInt(cursor, 10) || 0 : 0;
  const page = scored.slice(offset, offset + limit);
  const contacts = new Map(loadContacts(s, [...new Set(page.flatMap((p) => [p.a, p.b]))]).map((c) => [c.id, c]));
  return {
    items: page.map(
      (p): DuplicatePair => ({
        contacts: [contacts.get(p.a)!, contacts.get(p.b)!],
        reasons: [...p.reasons].map(([kind, value]) => ({ kind, text: DUPLICATE_REASONS[kind].text, value })),
        score: p.score,
      }),
    ),
    total: scored.length,
    next_cursor: offset + limit < scored.length ? String(offset + limit) : null,
  };
}

/** POST /api/duplicates/dismiss: these two are not one person; never suggested again. */
export function dismissDuplicate(s: StoreContext, ids: [string, string]) {
  if (ids[0] === ids[1]) throw new Problem(400, "contact_ids must name two different contacts", { errors: [{ field: "contact_ids", message: "names one contact twice" }] });
  for (const id of ids) if (!s.get(sql`SELECT 1 AS x FROM contacts WHERE id = ${id}`)) throw missingContact(s, id);
  const [a, b] = pairKey(ids[0], ids[1]).split("|") as [string, string];
  s.run(sql`INSERT INTO duplicate_dismissals (contact_a, contact_b, by_name, created_at) VALUES (${a}, ${b}, ${s.who.name}, ${nowIso()}) ON CONFLICT DO NOTHING`);
}

/** The suggestions that name one contact (its page shows them). */
export function duplicatesOf(s: StoreContext, contactId: string) {
  const rows = s.all<{ other: string; kind: DuplicateReason; key: string }>(sql`SELECT o.contact_id AS other, k.kind, k.key FROM duplicate_keys k
    JOIN duplicate_groups g ON g.kind = k.kind AND g.key = k.key AND g.n > 1 AND g.n <= ${GROUP_SIZE_MAX}
    JOIN duplicate_keys o ON o.kind = k.kind AND o.key = k.key AND o.contact_id != k.contact_id
    WHERE k.contact_id = ${contactId}
      AND NOT EXISTS (SELECT 1 FROM duplicate_dismissals d WHERE d.contact_a = min(k.contact_id, o.contact_id) AND d.contact_b = max(k.contact_id, o.contact_id))`);
  const byOther = new Map<string, DuplicatePair["reasons"]>();
  for (const r of rows) byOther.set(r.other, [...(byOther.get(r.other) ?? []), { kind: r.kind, text: DUPLICATE_REASONS[r.kind].text, value: r.key }]);
  const others = loadContacts(s, [...byOther.keys()]);
  return others.map((c) => ({ contact: c, reasons: byOther.get(c.id)! }));
}
