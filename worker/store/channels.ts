import { and, eq, sql } from "drizzle-orm";
import { newId, nowIso } from "../lib/ids";
import { Problem, notFound } from "../lib/problem";
import type { AddressInputT, AddressUpdateT, EmailInputT, EmailUpdateT, PhoneInputT, PhoneUpdateT } from "../schemas/contacts";
import type { Contact } from "../schemas/contacts";
import { assertContact, loadContact } from "./contacts";
import type { StoreContext } from "./context";
import { parsePhoneInput, phoneColumns, phoneConflict } from "./numbers";
import { contactAddresses, contactEmails, contactPhones } from "./schema";

// A contact's phones, emails and addresses, with the "one preferred (primary) entry" rule.

type Kind = { table: "contact_phones" | "contact_emails"; flag: "is_preferred" } | { table: "contact_addresses"; flag: "is_primary" };
const PHONES: Kind = { table: "contact_phones", flag: "is_preferred" };
const EMAILS: Kind = { table: "contact_emails", flag: "is_preferred" };
const ADDRESSES: Kind = { table: "contact_addresses", flag: "is_primary" };

/** After a change: `keepId` is the flagged one if `flagged`; and some entry always is. */
function settlePreferred(s: StoreContext, kind: Kind, contactId: string, keepId: string, flagged: boolean | undefined) {
  const table = sql.identifier(kind.table);
  const flag = sql.identifier(kind.flag);
  if (flagged) s.run(sql`UPDATE ${table} SET ${flag} = 0 WHERE contact_id = ${contactId} AND id != ${keepId}`);
  s.run(sql`UPDATE ${table} SET ${flag} = 1
    WHERE id = (SELECT id FROM ${table} WHERE contact_id = ${contactId} ORDER BY created_at, id LIMIT 1)
    AND NOT EXISTS (SELECT 1 FROM ${table} WHERE contact_id = ${contactId} AND ${flag} = 1)`);
}

/**
 * A phone, email or address as its contact's answer shows it (CONTACTS_JSON builds both): an
 * entry is written one way, whether it comes alone or with its contact.
 */
function entryOf<K extends "phones" | "emails" | "addresses">(s: StoreContext, contactId: string, kind: K, id: string): Contact[K][number] {
  const entry = (loadContact(s, contactId)[kind] as Contact[K][number][]).find((e) => e.id === id);
  if (!entry) throw new Error(`${kind} ${id} of contact ${contactId} was just written and is not there`);
  return entry;
}

function findPhone(s: StoreContext, contactId: string, phoneId: string) {
  const row = s.db.select().from(contactPhones).where(and(eq(contactPhones.id, phoneId), eq(contactPhones.contactId, contactId))).get();
  if (!row) throw notFound("Phone");
  return row;
}

export function addPhone(s: StoreContext, contactId: string, body: PhoneInputT) {
  assertContact(s, contactId);
  const parsed = parsePhoneInput(s, body.phone_number);
  phoneConflict(s, parsed.e164);
  const id = newId();
  s.db
    .insert(contactPhones)
    .values({
      id,
      contactId,
      ...phoneColumns(parsed),
      label: body.label,
      isPreferred: body.is_preferred === true,
      createdAt: nowIso(),
    })
    .run();
  settlePreferred(s, PHONES, contactId, id, body.is_preferred);
  return entryOf(s, contactId, "phones", id);
}

export function updatePhone(s: StoreContext, contactId: string, phoneId: string, body: PhoneUpdateT) {
  findPhone(s, contactId, phoneId);
  const parsed = body.phone_number === undefined ? null : parsePhoneInput(s, body.phone_number);
  if (parsed) phoneConflict(s, parsed.e164, phoneId);
  const changes = {
    ...(parsed && phoneColumns(parsed)),
    ...(body.label !== undefined && { label: body.label }),
    ...(body.is_preferred !== undefined && { isPreferred: body.is_preferred }),
  };
  if (Object.keys(changes).length) s.db.update(contactPhones).set(changes).where(eq(contactPhones.id, phoneId)).run();
  settlePreferred(s, PHONES, contactId, phoneId, body.is_preferred);
  return entryOf(s, contactId, "phones", phoneId);
}

export function deletePhone(s: StoreContext, contactId: string, phoneId: string) {
  findPhone(s, contactId, phoneId);
  s.db.delete(contactPhones).where(eq(contactPhones.id, phoneId)).run();
  settlePreferred(s, PHONES, contactId, phoneId, false);
}

function findEmail(s: StoreContext, contactId: string, emailId: string) {
  const row = s.db.select().from(contactEmails).where(and(eq(contactEmails.id, emailId), eq(contactEmails.contactId, contactId))).get();
  if (!row) throw notFound("Email");
  return row;
}

function emailTaken(s: StoreContext, contactId: string, email: string, exceptId?: string) {
  const other = s.db
    .select({ id: contactEmails.id })
    .from(contactEmails)
    .where(and(eq(contactEmails.contactId, contactId), eq(contactEmails.emailNormalized, email.toLowerCase())))
    .get();
  if (other && other.id !== exceptId) throw new Problem(409, `This contact already has ${email}.`);
}

export function addEmail(s: StoreContext, contactId: string, body: EmailInputT) {
  assertContact(s, contactId);
  emailTaken(s, contactId, body.email);
  const id = newId();
  s.db
    .insert(contactEmails)
    .values({ id, contactId, email: body.email, emailNormalized: body.email.toLowerCase(), label: body.label, isPreferred: body.is_preferred === true, createdAt: nowIso() })
    .run();
  settlePreferred(s, EMAILS, contactId, id, body.is_preferred);
  return entryOf(s, contactId, "emails", id);
}

export function updateEmail(s: StoreContext, contactId: string, emailId: string, body: EmailUpdateT) {
  findEmail(s, contactId, emailId);
  if (body.email !== undefined) emailTaken(s, contactId, body.email, emailId);
  const changes = {
    ...(body.email !== undefined && { email: body.email, emailNormalized: body.email.toLowerCase() }),
    ...(body.label !== undefined && { label: body.label }),
    ...(body.is_preferred !== undefined && { isPreferred: body.is_preferred }),
  };
  if (Object.keys(changes).length) s.db.update(contactEmails).set(changes).where(eq(contactEmails.id, emailId)).run();
  settlePreferred(s, EMAILS, contactId, emailId, body.is_preferred);
  return entryOf(s, contactId, "emails", emailId);
}

export function deleteEmail(s: StoreContext, contactId: string, emailId: string) {
  findEmail(s, contactId, emailId);
  s.db.delete(contactEmails).where(eq(contactEmails.id, emailId)).run();
  settlePreferred(s, EMAILS, contactId, emailId, false);
}

function findAddress(s: StoreContext, contactId: string, addressId: string) {
  const row = s.db.select().from(contactAddresses).where(and(eq(contactAddresses.id, addressId), eq(contactAddresses.contactId, contactId))).get();
  if (!row) throw notFound("Address");
  return row;
}

export function addAddress(s: StoreContext, contactId: string, { is_primary, ...fields }: AddressInputT) {
  assertContact(s, contactId);
  const id = newId();
  s.db.insert(contactAddresses).values({ id, contactId, ...fields, isPrimary: is_primary, createdAt: nowIso() }).run();
  settlePreferred(s, ADDRESSES, contactId, id, is_primary);
  return entryOf(s, contactId, "addresses", id);
}

export function updateAddress(s: StoreContext, contactId: string, addressId: string, { is_primary, ...fields }: AddressUpdateT) {
  findAddress(s, contactId, addressId);
  const changes = { ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)), ...(is_primary !== undefined && { isPrimary: is_primary }) };
  if (Object.keys(changes).length) s.db.update(contactAddresses).set(changes).where(eq(contactAddresses.id, addressId)).run();
  settlePreferred(s, ADDRESSES, contactId, addressId, is_primary);
  return entryOf(s, contactId, "addresses", addressId);
}

export function deleteAddress(s: StoreContext, contactId: string, addressId: string) {
  findAddress(s, contactId, addressId);
  s.db.delete(contactAddresses).where(eq(contactAddresses.id, addressId)).run();
  settlePreferred(s, ADDRESSES, contactId, addressId, false);
}
