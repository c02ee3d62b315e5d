import { z } from "@hono/zod-openapi";
import { adminAccess, memberAccess } from "../auth/guard";
import { CONTROL } from "../lib/text";
import { IdParam, apiRoute, createRouter, jsonBody, jsonContent, noContent } from "../http/openapi";
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

const listRoute = apiRoute({
  operationId: "listTags",
  method: "get",
  path: "/tags",
  tags: ["Tags"],
  summary: "The organization's tags, by name",
  ...memberAccess,
  responses: { 200: jsonContent(z.array(TagSchema), "Tags") },
});
const createTagRoute = apiRoute({
  operationId: "createTag",
  errors: [409],
  method: "post",
  path: "/tags",
  tags: ["Tags"],
  summary: "Create a tag (names are unique per organization, case-insensitively)",
  ...memberAccess,
  request: { body: jsonBody(TagInput) },
  responses: { 201: jsonContent(TagSchema, "The tag") },
});
const updateRoute = apiRoute({
  operationId: "updateTag",
  errors: [409],
  method: "put",
  path: "/tags/{id}",
  tags: ["Tags"],
  summary: "Rename or recolor a tag (admin: it changes every contact that carries it)",
  ...adminAccess,
  request: { params: idParams, body: jsonBody(TagInput.partial()) },
  responses: { 200: jsonContent(TagSchema, "The tag") },
});
const deleteRoute = apiRoute({
  operationId: "deleteTag",
  method: "delete",
  path: "/tags/{id}",
  tags: ["Tags"],
  summary: "Delete a tag (admin: it is removed from every contact)",
  ...adminAccess,
  request: { params: idParams },
  responses: { ...noContent },
});
const tagContactRoute = apiRoute({
  operationId: "tagContact",
  method: "post",
  path: "/contacts/{id}/tags/{tag_id}",
  tags: ["Tags"],
  summary: "Tag a contact (idempotent)",
  ...memberAccess,
  request: { params: taggingParams },
  responses: { ...noContent },
});
const untagContactRoute = apiRoute({
  operationId: "untagContact",
  method: "delete",
  path: "/contacts/{id}/tags/{tag_id}",
  tags: ["Tags"],
  summary: "Remove a tag from a contact (idempotent)",
  ...memberAccess,
  request: { params: taggingParams },
  responses: { ...noContent },
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
