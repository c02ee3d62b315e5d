import { z } from "@hono/zod-openapi";
import { and, desc, eq } from "drizzle-orm";
import { apiKeys } from "../global/schema";
import { adminAccess, forgetApiKey, sessionOf, sha256Hex } from "../auth/guard";
import { newId, nowIso } from "../lib/ids";
import { oneLine } from "../lib/text";
import { IdParam, apiRoute, createRouter, jsonBody, jsonContent, noContent } from "../http/openapi";
import { notFound } from "../lib/problem";

const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ description: "The first characters of the key, to recognize it" }),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
  })
  .openapi("ApiKey");

const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: "The secret. Shown once: only its hash is stored." }),
}).openapi("CreatedApiKey");

const listRoute = apiRoute({
  operationId: "listApiKeys",
  method: "get",
  path: "/api-keys",
  tags: ["API keys"],
  summary: "The organization's API keys (secrets are never shown again)",
  ...adminAccess,
  responses: { 200: jsonContent(z.array(ApiKeySchema), "API keys") },
});
const createKeyRoute = apiRoute({
  operationId: "createApiKey",
  method: "post",
  path: "/api-keys",
  tags: ["API keys"],
  summary: "Create an API key for the call pipeline",
  ...adminAccess,
  request: { body: jsonBody(z.object({ name: oneLine().trim().min(1, "is required").max(100) })) },
  responses: { 201: jsonContent(CreatedApiKeySchema, "The key, with its secret") },
});
const deleteRoute = apiRoute({
  operationId: "revokeApiKey",
  method: "delete",
  path: "/api-keys/{id}",
  tags: ["API keys"],
  summary: "Revoke an API key",
  ...adminAccess,
  request: { params: z.object({ id: IdParam("id") }) },
  responses: { ...noContent },
});

function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `ck_${btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
}

export const apiKeysRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const rows = await c.var.db
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.organizationId, c.var.principal.organizationId))
      .orderBy(desc(apiKeys.createdAt));
    return c.json(
      rows.map((k) => ({ id: k.id, name: k.name, prefix: k.prefix, created_at: k.createdAt, last_used_at: k.lastUsedAt })),
      200,
    );
  })
  .openapi(createKeyRoute, async (c) => {
    const { name } = c.req.valid("json");
    const principal = sessionOf(c.var.principal);
    const key = randomSecret();
    const row = {
      id: newId(),
      organizationId: principal.organizationId,
      name,
      prefix: key.slice(0, 10),
      keyHash: await sha256Hex(key),
      createdByUserId: principal.userId,
      createdAt: nowIso(),
    };
    await c.var.db.insert(apiKeys).values(row);
    return c.json({ id: row.id, name, prefix: row.prefix, created_at: row.createdAt, last_used_at: null, key }, 201);
  })
  .openapi(deleteRoute, async (c) => {
    const { id } = c.req.valid("param");
    const deleted = await c.var.db
      .delete(apiKeys)
      .where(and(eq(apiKeys.id, id), eq(apiKeys.organizationId, c.var.principal.organizationId)))
      .returning({ id: apiKeys.id });
    if (deleted.length === 0) throw notFound("API key");
    forgetApiKey(id);
    return c.body(null, 204);
  });
