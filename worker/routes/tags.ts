import { createRoute, z } from "@hono/zod-openapi";
import { adminOnly, memberOnly } from "../auth/guard";
import { CONTROL } from "../lib/text";
import { IdParam, createRouter, errorResponses, jsonBody, jsonContent, noContent } from "../http/openapi";
import { TagSchema } from "../schemas/contacts";

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
  summary: "Rename or recolor a tag (admin: it changes every contact that carries it)",
  middleware: [adminOnly] as const,
  request: { params: idParams, body: jsonBody(TagInput.partial()) },
  responses: { 200: jsonContent(TagSchema, "The tag"), ...errorResponses },
});
const deleteRoute = createRoute({
  method: "delete",
  path: "/tags/{id}",
  tags: ["Tags"],
  summary: "Delete a tag (admin: it is removed from every contact)",
  middleware: [adminOnly] as const,
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

export const tagsRoutes = createRouter()
  .openapi(listRoute, async (c) => c.json(await c.var.store.listTags(), 200))
  .openapi(createTagRoute, async (c) => c.json(await c.var.store.createTag(c.req.valid("json")), 201))
  .openapi(updateRoute, async (c) => c.json(await c.var.store.updateTag(c.req.valid("param").id, c.req.valid("json")), 200))
  .openapi(deleteRoute, async (c) => {
    await c.var.store.deleteTag(c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(tagContactRoute, async (c) => {
    const { id, tag_id } = c.req.valid("param");
    await c.var.store.tagContact(id, tag_id);
    return c.body(null, 204);
  })
  .openapi(untagContactRoute, async (c) => {
    const { id, tag_id } = c.req.valid("param");
    await c.var.store.untagContact(id, tag_id);
    return c.body(null, 204);
  });
