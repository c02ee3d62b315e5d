import { z } from "@hono/zod-openapi";
import { adminAccess, sessionOf } from "../auth/guard";
import { IdParam, apiRoute, createRouter, jsonBody, jsonContent, noContent } from "../http/openapi";
import { oneLine } from "../lib/text";

// The organization's block list (admin): calls and texts from these numbers create nothing.

const BlockedNumber = z
  .object({
    id: z.string(),
    phone_number: z.string().openapi({ description: "E.164" }),
    reason: z.string().nullable(),
    created_by: z.object({ user_id: z.string(), name: z.string() }).nullable(),
    created_at: z.string(),
  })
  .openapi("BlockedNumber");
const BlockInput = z
  .object({
    phone_number: oneLine().trim().min(1).max(40).openapi({ example: "+1 415 555 0199", description: "Read with the organization's default region" }),
    reason: oneLine().trim().max(200).optional().openapi({ example: "Repeated spam calls" }),
  })
  .openapi("BlockedNumberInput");

const listRoute = apiRoute({
  operationId: "listBlockedNumbers",
  method: "get",
  path: "/blocked-numbers",
  tags: ["Consent"],
  summary: "The numbers the organization does not take calls or texts from (admin)",
  ...adminAccess,
  responses: { 200: jsonContent(z.array(BlockedNumber), "Blocked numbers") },
});
const createRouteDef = apiRoute({
  operationId: "blockNumber",
  method: "post",
  path: "/blocked-numbers",
  tags: ["Consent"],
  summary: "Block a number (admin): its calls and texts are recorded as blocked, on no contact, and nothing goes out to it",
  ...adminAccess,
  errors: [409],
  request: { body: jsonBody(BlockInput) },
  responses: { 201: jsonContent(BlockedNumber, "Blocked") },
});
const deleteRoute = apiRoute({
  operationId: "unblockNumber",
  method: "delete",
  path: "/blocked-numbers/{id}",
  tags: ["Consent"],
  summary: "Unblock a number (admin)",
  ...adminAccess,
  request: { params: z.object({ id: IdParam("id") }) },
  responses: { ...noContent },
});

export const blockedNumbersRoutes = createRouter()
  .openapi(listRoute, async (c) => c.json(await c.var.store.listBlocked(), 200))
  .openapi(createRouteDef, async (c) => {
    const p = sessionOf(c.var.principal);
    return c.json(await c.var.store.blockNumber(c.req.valid("json"), { userId: p.userId, name: p.userName }), 201);
  })
  .openapi(deleteRoute, async (c) => {
    await c.var.store.unblockNumber(c.req.valid("param").id);
    return c.body(null, 204);
  });
