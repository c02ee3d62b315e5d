import { asc, eq, sql } from "drizzle-orm";
import { newId, nowIso } from "../lib/ids";
import { Problem, notFound } from "../lib/problem";
import { assertContact } from "./contacts";
import type { StoreContext } from "./context";
import { tags } from "./schema";

const TAG_FIELDS = { id: tags.id, name: tags.name, color: tags.color };

export function listTags(s: StoreContext) {
  return s.db.select(TAG_FIELDS).from(tags).orderBy(asc(tags.nameNormalized)).all();
}

function findTag(s: StoreContext, id: string) {
  const row = s.db.select(TAG_FIELDS).from(tags).where(eq(tags.id, id)).get();
  if (!row) throw notFound("Tag");
  return row;
}

/** Tag names are unique per organization, case-insensitively. */
function assertNameFree(s: StoreContext, name: string, exceptId?: string) {
  const other = s.db.select({ id: tags.id }).from(tags).where(eq(tags.nameNormalized, name.toLowerCase())).get();
  if (other && other.id !== exceptId) throw new Problem(409, `A tag named "${name}" already exists.`);
}

export function createTag(s: StoreContext, { name, color }: { name: string; color: string }) {
  assertNameFree(s, name);
  const id = newId();
  s.db.insert(tags).values({ id, name, nameNormalized: name.toLowerCase(), color, createdAt: nowIso() }).run();
  return { id, name, color };
}

export function updateTag(s: StoreContext, id: string, { name, color }: { name?: string; color?: string }) {
  findTag(s, id);
  if (name !== undefined) assertNameFree(s, name, id);
  if (name !== undefined || color !== undefined) {
    s.db
      .update(tags)
      .set({ ...(name !== undefined && { name, nameNormalized: name.toLowerCase() }), ...(color && { color }) })
      .where(eq(tags.id, id))
      .run();
  }
  return findTag(s, id);
}

/** Deletes the tag; it comes off every contact. */
export function deleteTag(s: StoreContext, id: string) {
  if (s.db.delete(tags).where(eq(tags.id, id)).returning({ id: tags.id }).all().length === 0) throw notFound("Tag");
}

export function tagContact(s: StoreContext, contactId: string, tagId: string) {
  assertContact(s, contactId);
  findTag(s, tagId);
  s.run(sql`INSERT INTO contact_tags (contact_id, tag_id, created_at) VALUES (${contactId}, ${tagId}, ${nowIso()}) ON CONFLICT DO NOTHING`);
}

export function untagContact(s: StoreContext, contactId: string, tagId: string) {
  assertContact(s, contactId);
  findTag(s, tagId);
  s.run(sql`DELETE FROM contact_tags WHERE contact_id = ${contactId} AND tag_id = ${tagId}`);
}
