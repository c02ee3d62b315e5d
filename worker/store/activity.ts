import { type SQL, sql } from "drizzle-orm";
import { keysetPage, pageOf } from "../lib/cursor";
import { assertContact } from "./contacts";
import type { StoreContext } from "./context";
import { type HistoryRow, changeLine } from "./history";

export type ActivityKind = "call" | "note" | "todo" | "change";
export interface ActivityItem {
  kind: ActivityKind;
  id: string;
  at: string;
  title: string;
  detail: string | null;
}

// Each branch reads one contact's rows through its (contact_id, time) index.
const BRANCHES: Record<ActivityKind, (contactId: string) => SQL> = {
  call: (c) => sql`SELECT 'call' AS kind, id, started_at AS at,
    CASE direction WHEN 'outbound' THEN 'Outbound call' ELSE 'Inbound call' END AS title,
    CASE WHEN duration_seconds IS NULL THEN NULL ELSE (duration_seconds / 60) || ' min ' || (duration_seconds % 60) || ' s' END AS detail
    FROM calls WHERE contact_id = ${c}`,
  note: (c) => sql`SELECT 'note' AS kind, id, created_at AS at, 'Note' AS title, substr(body, 1, 280) AS detail FROM notes WHERE contact_id = ${c}`,
  todo: (c) => sql`SELECT 'todo' AS kind, id, created_at AS at, title, CASE status WHEN 'done' THEN 'Done' ELSE 'Open' END AS detail FROM todos WHERE contact_id = ${c}`,
  // The row as it is (in detail); written as a line below.
  change: (c) => sql`SELECT 'change' AS kind, id, created_at AS at, field AS title,
    json_object('old_value', old_value, 'new_value', new_value, 'by_kind', by_kind, 'by_name', by_name) AS detail
    FROM contact_history WHERE contact_id = ${c}`,
};

function readable(item: ActivityItem): ActivityItem {
  if (item.kind !== "change" || item.detail === null) return item;
  const raw = JSON.parse(item.detail) as Omit<HistoryRow, "id" | "field" | "at" | "by_id" | "via_id">;
  const line = changeLine({ ...raw, id: item.id, field: item.title, at: item.at, by_id: null, via_id: null });
  return { ...item, title: line.title, detail: line.detail || null };
}

/** Calls, notes, todos and field changes of a contact in one timeline, newest first, keyset-paginated. */
export function activity(s: StoreContext, contactId: string, q: { kinds: ActivityKind[]; cursor?: string; limit: number }) {
  assertContact(s, contactId);
  const union = sql.join(q.kinds.map((k) => BRANCHES[k](contactId)), sql` UNION ALL `);
  const { page, nextCursor } = pageOf(s.all<ActivityItem>(keysetPage(union, q.cursor, q.limit)), q.limit);
  return { items: page.map(readable), next_cursor: nextCursor };
}
