import type { Contact } from "../schemas/contacts";
import { loadContacts } from "./contacts";
import type { StoreContext } from "./context";
import { type By, recordDiffs } from "./history";

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

/** A contact as the field history compares it: the same, with assignees by name and no last contact. */
function historyFacts(c: Contact): Record<string, unknown> {
  const { last_contacted_at: _l, ...rest } = facts(c);
  return { ...rest, assigned_to: c.assigned_users.map((u) => u.name) };
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
 * Runs `change`, records in the field history what it changed of each of `contactIds` (by the
 * request's member or key, or `by`: the enrichment of a call, an import, a bulk change, a merge),
 * and emits contact.updated for each with the new values (`changes`) and the old ones
 * (`previous`) of those fields only.
 */
export function trackContacts<T>(s: StoreContext, contactIds: string[], change: () => T, by?: By, loaded?: (out: T) => Contact[]): T {
  const before = new Map(loadContacts(s, contactIds).map((c) => [c.id, c]));
  const out = change();
  // `loaded`: the change answers the contacts as they now are (no second read).
  const pairs = (loaded?.(out) ?? loadContacts(s, [...before.keys()])).flatMap((after) => {
    const was = before.get(after.id);
    return was ? [{ was, after }] : [];
  });
  recordDiffs(s, pairs.map(({ was, after }) => ({ contactId: after.id, before: historyFacts(was), after: historyFacts(after) })), by);
  for (const { was, after } of pairs) emitContactUpdated(s, was, after, by);
  return out;
}

/** contact.updated for what differs between two views of a contact (nothing when nothing does). */
export function emitContactUpdated(s: StoreContext, was: Contact, now: Contact, by?: By) {
  if (!s.wants("contact.updated")) return;
  const old = facts(was);
  const current = facts(now);
  const changes: Record<string, unknown> = {};
  const previous: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(current)) {
    if (JSON.stringify(value) === JSON.stringify(old[field])) continue;
    changes[field] = value;
    previous[field] = old[field] ?? null;
  }
  if (Object.keys(changes).length) s.emit("contact.updated", { contact_id: now.id, changes, previous, ...(by ? { by } : {}) }, now.id);
}

export const trackContact = <T>(s: StoreContext, contactId: string, change: () => T, by?: By, loaded?: (out: T) => Contact[]) =>
  trackContacts(s, [contactId], change, by, loaded);
