import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client";
import {
  contactAddresses,
  contactEmails,
  contactPhones,
  contacts,
  contactTags,
  contactUser,
  member,
  organizationSettings,
  tags,
  user,
} from "../db/schema";
import { notFound } from "../lib/problem";
import { formatPhone } from "./phone";
import type { Contact } from "./schemas";

export async function getRegion(db: Db, organizationId: string): Promise<string> {
  const [row] = await db
    .select({ region: organizationSettings.defaultRegion })
    .from(organizationSettings)
    .where(eq(organizationSettings.organizationId, organizationId));
  return row?.region ?? "US";
}

type ContactRow = typeof contacts.$inferSelect;

function contactJson(row: ContactRow): Omit<Contact, "phones" | "emails" | "addresses" | "tags" | "assigned_users"> {
  return {
    id: row.id,
    first_name: row.firstName,
    last_name: row.lastName,
    company: row.company,
    job_title: row.jobTitle,
    source: row.source,
    status: row.status,
    pipeline_stage: row.pipelineStage,
    external_id: row.externalId,
    timezone: row.timezone,
    preferred_language: row.preferredLanguage,
    date_of_birth: row.dateOfBirth,
    gender: row.gender,
    avatar_url: row.avatarUrl,
    ai_summary: row.aiSummary,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    last_contacted_at: row.lastContactedAt,
  };
}

export const phoneJson = (p: typeof contactPhones.$inferSelect, region: string) => ({
  id: p.id,
  phone_number: p.phoneNumber,
  formatted: formatPhone(p.phoneNumber, region),
  label: p.label,
  is_preferred: p.isPreferred,
});

export const emailJson = (e: typeof contactEmails.$inferSelect) => ({
  id: e.id,
  email: e.email,
  label: e.label,
  is_preferred: e.isPreferred,
});

export const addressJson = (a: typeof contactAddresses.$inferSelect) => ({
  id: a.id,
  label: a.label,
  street: a.street,
  city: a.city,
  state: a.state,
  zip: a.zip,
  country: a.country,
  is_primary: a.isPrimary,
});

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

/** Full contacts (with phones, emails, addresses, tags, assigned users) in the order of `ids`. */
export async function loadContacts(db: Db, organizationId: string, ids: string[]): Promise<Contact[]> {
  if (ids.length === 0) return [];
  const [rows, phones, emails, addresses, tagRows, assigned, settings] = await db.batch([
    db.select().from(contacts).where(and(eq(contacts.organizationId, organizationId), inArray(contacts.id, ids))),
    db.select().from(contactPhones).where(inArray(contactPhones.contactId, ids)).orderBy(asc(contactPhones.createdAt), asc(contactPhones.id)),
    db.select().from(contactEmails).where(inArray(contactEmails.contactId, ids)).orderBy(asc(contactEmails.createdAt), asc(contactEmails.id)),
    db.select().from(contactAddresses).where(inArray(contactAddresses.contactId, ids)).orderBy(asc(contactAddresses.createdAt), asc(contactAddresses.id)),
    db
      .select({ contactId: contactTags.contactId, id: tags.id, name: tags.name, color: tags.color })
      .from(contactTags)
      .innerJoin(tags, eq(tags.id, contactTags.tagId))
      .where(inArray(contactTags.contactId, ids))
      .orderBy(asc(tags.nameNormalized)),
    db
      // Distinct column names only: inside a D1 batch rows come back keyed by column name,
      // so selecting member.id and user.id together would collide.
      .select({ contactId: contactUser.contactId, memberId: contactUser.memberId, userId: member.userId, name: user.name })
      .from(contactUser)
      .innerJoin(member, eq(member.id, contactUser.memberId))
      .innerJoin(user, eq(user.id, member.userId))
      .where(inArray(contactUser.contactId, ids))
      .orderBy(asc(user.name)),
    db
      .select({ region: organizationSettings.defaultRegion })
      .from(organizationSettings)
      .where(eq(organizationSettings.organizationId, organizationId)),
  ]);
  const region = settings[0]?.region ?? "US";
  const phonesBy = groupBy(phones, (p) => p.contactId);
  const emailsBy = groupBy(emails, (e) => e.contactId);
  const addressesBy = groupBy(addresses, (a) => a.contactId);
  const tagsBy = groupBy(tagRows, (t) => t.contactId);
  const assignedBy = groupBy(assigned, (a) => a.contactId);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    return [
      {
        ...contactJson(row),
        phones: (phonesBy.get(id) ?? []).map((p) => phoneJson(p, region)),
        emails: (emailsBy.get(id) ?? []).map(emailJson),
        addresses: (addressesBy.get(id) ?? []).map(addressJson),
        tags: (tagsBy.get(id) ?? []).map(({ id, name, color }) => ({ id, name, color })),
        assigned_users: (assignedBy.get(id) ?? []).map((a) => ({
          member_id: a.memberId,
          user_id: a.userId,
          name: a.name,
        })),
      },
    ];
  });
}

export async function loadContact(db: Db, organizationId: string, id: string): Promise<Contact> {
  const [contact] = await loadContacts(db, organizationId, [id]);
  if (!contact) throw notFound("Contact");
  return contact;
}

/** 404 unless the contact exists in this organization. */
export async function assertContact(db: Db, organizationId: string, id: string): Promise<void> {
  const [row] = await db
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.id, id), eq(contacts.organizationId, organizationId)));
  if (!row) throw notFound("Contact");
}
