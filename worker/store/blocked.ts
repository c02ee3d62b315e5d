import { sql } from "drizzle-orm";
import { newId, nowIso } from "../lib/ids";
import { Problem, notFound } from "../lib/problem";
import type { StoreContext } from "./context";
import { parsePhoneInput } from "./numbers";

// The organization's block list: calls and texts from these numbers resolve to nobody (no stub,
// no contact, recorded as blocked), the caller context says blocked, and the gate refuses them.

export interface BlockedNumberT {
  id: string;
  phone_number: string;
  reason: string | null;
  created_by: { user_id: string; name: string } | null;
  created_at: string;
}

interface Row {
  id: string;
  phone_number: string;
  reason: string | null;
  created_by_user_id: string | null;
  created_by_name: string | null;
  created_at: string;
}

const json = (r: Row): BlockedNumberT => ({
  id: r.id,
  phone_number: r.phone_number,
  reason: r.reason,
  created_by: r.created_by_user_id ? { user_id: r.created_by_user_id, name: r.created_by_name ?? "" } : null,
  created_at: r.created_at,
});

export function listBlocked(s: StoreContext): BlockedNumberT[] {
  return s.all<Row>(sql`SELECT * FROM blocked_numbers ORDER BY created_at DESC, id DESC`).map(json);
}

export function blockNumber(s: StoreContext, body: { phone_number: string; reason?: string }, actor: { userId: string; name: string }): BlockedNumberT {
  const phone = parsePhoneInput(s, body.phone_number);
  if (s.isBlocked(phone.e164)) throw new Problem(409, `${phone.e164} is already blocked.`);
  const row: Row = { id: newId(), phone_number: phone.e164, reason: body.reason ?? null, created_by_user_id: actor.userId, created_by_name: actor.name, created_at: nowIso() };
  s.run(sql`INSERT INTO blocked_numbers (id, phone_number, reason, created_by_user_id, created_by_name, created_at)
    VALUES (${row.id}, ${row.phone_number}, ${row.reason}, ${row.created_by_user_id}, ${row.created_by_name}, ${row.created_at})`);
  s.forgetBlocked();
  return json(row);
}

export function unblockNumber(s: StoreContext, id: string) {
  if (!s.run(sql`DELETE FROM blocked_numbers WHERE id = ${id}`)) throw notFound("Blocked number");
  s.forgetBlocked();
}
