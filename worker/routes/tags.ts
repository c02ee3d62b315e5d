import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq } from "drizzle-orm";
import { assertContact } from "../contacts/load";
import { TagSchema } from "../contacts/schemas";
import { CONTROL } from "../lib/text";
import type { Db } from "../db/client";
import { contactTags, tags } from "../db/schema";
import { isUniqueViolation } from "../lib/db-errors";
import { memberOnly } from "../lib/guard";
import { newId, nowIso } from "../lib/ids";
import { IdParam, createRouter, errorResponses, jsonBody, jsonContent, noContent } from "../lib/openapi";
import { Problem, notFound } from "../lib/problem";

const TagInput = z
  .object({
    name: z.string().trim().min(1, "is required").max(50).refine((v) => !CONTROL.test(v), "must not contain control characters"),
    color: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, "must be a hex color such as #3b82f6")
      .transform((v) => v.toLowerCase()),
  })
  .openapi("TagData");

const idParams = z.object({ id: IdParam("id") });
const taggingParams = z.object({ id: IdParam("id"), tag_id: IdParam("tag_id") });

const listRoute = createRoute({
  method: "get",
  path: "/tags",
  tags: ["Tags"],
  summary: "The organization's tags, by name",
  middleware: [memberOnly] as const,
  responses: { 200: jsonContent(z.array(TagSchema), "Tags"), ...errorResponses },
});
const createTagRoute = createRoute({
  method: "post",
  path: "/tags",
  tags: ["Tags"],
  summary: "Create a tag (names are unique per organization, case-insensitively)",
  middleware: [memberOnly] as const,
  request: { body: jsonBody(TagInput) },
  responses: { 201: jsonContent(TagSchema, "The tag"), ...errorResponses },
});
const updateRoute = createRoute({
  method: "put",
  path: "/tags/{id}",
  tags: ["Tags"],
  summary: "Rename or recolor a tag",
  middleware: [memberOnly] as const,
  request: { params: idParams, body: jsonBody(TagInput.partial()) },
  responses: { 200: jsonContent(TagSchema, "The tag"), ...errorResponses },
});
const deleteRoute = createRoute({
  method: "delete",
  path: "/tags/{id}",
  tags: ["Tags"],
  summary: "Delete a tag (it is removed from every contact)",
  middleware: [memberOnly] as const,
  request: { params: idParams },
  responses: { ...noContent, ...errorResponses },
});
const tagContactRoute = createRoute({
  method: "post",
  path: "/contacts/{id}/tags/{tag_id}",
  tags: ["Tags"],
  summary: "Tag a contact (idempotent)",
  middleware: [memberOnly] as const,
  request: { params: taggingParams },
  responses: { ...noContent, ...errorResponses },
});
const untagContactRoute = createRoute({
  method: "delete",
  path: "/contacts/{id}/tags/{tag_id}",
  tags: ["Tags"],
  summary: "Remove a tag from a contact (idempotent)",
  middleware: [memberOnly] as const,
  request: { params: taggingParams },
  responses: { ...noContent, ...errorResponses },
});

async function findTag(db: Db, organizationId: string, id: string) {
  const [row] = await db
    .select({ id: tags.id, name: tags.name, color: tags.color })
    .from(tags)
    .where(and(eq(tags.id, id), eq(tags.organizationId, organizationId)));
  if (!row) throw notFound("Tag");
  return row;
}

async function uniqueName<T>(name: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw new Problem(409, `A tag named "${name}" already exists.`);
    throw err;
  }
}

export const tagsRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const rows = await c.var.db
      .select({ id: tags.id, name: tags.name, color: tags.color })
      .from(tags)
      .where(eq(tags.organizationId, c.var.principal.organizationId))
      .orderBy(asc(tags.nameNormalized));
    return c.json(rows, 200);
  })
  .openapi(createTagRoute, async (c) => {
    const { name, color } = c.req.valid("json");
    const id = newId();
    await uniqueName(name, () =>
      c.var.db.insert(tags).values({
        id,
        organizationId: c.var.principal.organizationId,
        name,
        nameNormalized: name.toLowerCase(),
        color,
        createdAt: nowIso(),
      }),
    );
    return c.json({ id, name, color }, 201);
  })
  .openapi(updateRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { name, color } = c.req.valid("json");
    const { organizationId } = c.var.principal;
    await findTag(c.var.db, organizationId, id);
    if (name !== undefined || color !== undefined) {
      await uniqueName(name, () =>
        c.var.db
          .update(tags)
          .set({ ...(name !== undefined && { name, nameNormalized: name.toLowerCase() }), ...(color && { color }) })
          .where(eq(tags.id, id)),
      );
    }
    return c.json(await findTag(c.var.db, organizationId, id), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const { id } = c.req.valid("param");
    const deleted = await c.var.db
      .delete(tags)
      .where(and(eq(tags.id, id), eq(tags.organizationId, c.var.principal.organizationId)))
      .returning({ id: tags.id });
    if (deleted.length === 0) throw notFound("Tag");
    return c.body(null, 204);
  })
  .openapi(tagContactRoute, async (c) => {
    const { id, tag_id } = c.req.valid("param");
    const { organizationId } = c.var.principal;
    const db = c.var.db;
    await Promise.all([assertContact(db, organizationId, id), findTag(db, organizationId, tag_id)]);
    await db
      .insert(contactTags)
      .values({ contactId: id, tagId: tag_id, organizationId, createdAt: nowIso() })
      .onConflictDoNothing();
    return c.body(null, 204);
  })
  .openapi(untagContactRoute, async (c) => {
    const { id, tag_id } = c.req.valid("param");
    const { organizationId } = c.var.principal;
    const db = c.var.db;
    await Promise.all([assertContact(db, organizationId, id), findTag(db, organizationId, tag_id)]);
    await db.delete(contactTags).where(and(eq(contactTags.contactId, id), eq(contactTags.tagId, tag_id)));
    return c.body(null, 204);
  });
