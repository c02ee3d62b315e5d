import type { Contact } from "../schemas/contacts";
import { loadContacts } from "./contacts";
import type { StoreContext } from "./context";

// The events the store's changes emit (README: "Webhooks"). Payloads carry ids and the changed
// fields, never transcripts or media: a receiver fetches those through the API by id.

/** What an event says of a contact: its fields, and its lists as plain values. */
function facts(c: Contact): Record<string, unknown> {
  const { id: _id, created_at: _c, updated_at: _u, phones, emails, addresses, tags, assigned_users, ...fields } = c;
  return {
    ...fields,
    phones: phones.map((p) => p.phone_number),
    emails: emails.map((e) => e.email),
    addresses: addresses.map(({ id: _a, ...a }) => a),
    tags: tags.map((t) => t.name),
    assigned_to: assigned_users.map((u) => u.member_id),
  };
}

export function contactCreated(s: StoreContext, c: Contact) {
  s.emit("contact.created", () => ({ contact_id: c.id, ...facts(c) }), c.id);
}

/** contact_id and the id of a contact that was just created by a call or a text (a stub). */
export function stubCreated(s: StoreContext, contactId: string) {
  if (!s.wants("contact.created")) return;
  const [c] = loadContacts(s, [contactId]);
  if (c) contactCreated(s, c);
}

export function contactDeleted(s: StoreContext, contactId: string) {
  s.emit("contact.deleted", { contact_id: contactId }, contactId);
}

/**
 * Runs `change` and emits contact.updated for each of `contactIds` whose fields it changed, with
 * the new values (`changes`) and the old ones (`previous`) of those fields only. `by` says who or
 * what changed them (e.g. "enrichment"). Costs nothing when no endpoint wants the event.
 */
export function trackContacts<T>(s: StoreContext, contactIds: string[], change: () => T, by?: Record<string, unknown>, loaded?: (out: T) => Contact[]): T {
  if (!s.wants("contact.updated")) return change();
  const before = new Map(loadContacts(s, contactIds).map((c) => [c.id, facts(c)]));
  const out = change();
  // `loaded`: the change answers the contacts as they now are (no second read).
  for (const after of loaded?.(out) ?? loadContacts(s, [...before.keys()])) {
    const old = before.get(after.id);
    if (!old) continue;
    const now = facts(after);
    const changes: Record<string, unknown> = {};
    const previous: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(now)) {
      if (JSON.stringify(value) === JSON.stringify(old[field])) continue;
      changes[field] = value;
      previous[field] = old[field] ?? null;
    }
    if (Object.keys(changes).length) s.emit("contact.updated", { contact_id: after.id, changes, previous, ...(by ? { by } : {}) }, after.id);
  }
  return out;
}

export const trackContact = <T>(s: StoreContext, contactId: string, change: () => T, by?: Record<string, unknown>, loaded?: (out: T) => Contact[]) =>
  trackContacts(s, [contactId], change, by, loaded);
