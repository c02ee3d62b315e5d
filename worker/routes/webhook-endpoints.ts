import { z } from "@hono/zod-openapi";
import { adminAccess, sessionOf } from "../auth/guard";
import { IdParam, apiRoute, createRouter, jsonBody, jsonContent, noContent } from "../http/openapi";
import { loopbackAllowed } from "../jobs/deliver-webhook";
import { newId } from "../lib/ids";
import { Problem } from "../lib/problem";
import { checkWebhookUrl } from "../lib/public-url";
import { encryptSecret } from "../lib/secrets";
import {
  WebhookDeliveryPage,
  WebhookDeliverySchema,
  WebhookEndpointCreated,
  WebhookEndpointInput,
  WebhookEndpointSchema,
  WebhookEndpointUpdate,
} from "../schemas/webhooks";

// Outgoing webhooks (Standard Webhooks), managed by admins. The endpoints, the outbox and the
// delivery log live in the organization's store; the signing secret is made here, shown once and
// stored encrypted.

const TAGS = ["Webhooks"];
const EndpointParams = z.object({ id: IdParam("id") });

const listRoute = apiRoute({
  operationId: "listWebhookEndpoints",
  method: "get",
  path: "/webhooks",
  tags: TAGS,
  summary: "The organization's webhook endpoints, with their last delivery (admin)",
  ...adminAccess,
  responses: { 200: jsonContent(z.array(WebhookEndpointSchema), "Endpoints") },
});
const createRouteDef = apiRoute({
  operationId: "createWebhookEndpoint",
  method: "post",
  path: "/webhooks",
  tags: TAGS,
  summary: "Add an endpoint (admin): the answer carries its signing secret (whsec_…), shown this once",
  ...adminAccess,
  request: { body: jsonBody(WebhookEndpointInput) },
  responses: { 201: jsonContent(WebhookEndpointCreated, "Created") },
});
const updateRoute = apiRoute({
  operationId: "updateWebhookEndpoint",
  method: "put",
  path: "/webhooks/{id}",
  tags: TAGS,
  summary: "Change an endpoint's URL, events or description, or disable / re-enable it (admin)",
  ...adminAccess,
  request: { params: EndpointParams, body: jsonBody(WebhookEndpointUpdate) },
  responses: { 200: jsonContent(WebhookEndpointSchema, "Updated") },
});
const deleteRoute = apiRoute({
  operationId: "deleteWebhookEndpoint",
  method: "delete",
  path: "/webhooks/{id}",
  tags: TAGS,
  summary: "Remove an endpoint and its delivery log (admin)",
  ...adminAccess,
  request: { params: EndpointParams },
  responses: { ...noContent },
});
const testRoute = apiRoute({
  operationId: "sendTestWebhook",
  method: "post",
  path: "/webhooks/{id}/test",
  tags: TAGS,
  summary: "Send a webhook.test event to this endpoint (admin)",
  ...adminAccess,
  errors: [409],
  request: { params: EndpointParams },
  responses: { 202: jsonContent(z.object({ event_id: z.string() }), "Queued") },
});
const deliveriesRoute = apiRoute({
  operationId: "listWebhookDeliveries",
  method: "get",
  path: "/webhooks/{id}/deliveries",
  tags: TAGS,
  summary: "The endpoint's delivery log, newest first: each event with every attempt's status code, duration and answer (admin)",
  ...adminAccess,
  request: {
    params: EndpointParams,
    query: z.object({
      cursor: z.string().uuid().optional().openapi({ description: "next_cursor of the previous page" }),
      limit: z.coerce.number().int().min(1).max(100).default(25),
    }),
  },
  responses: { 200: jsonContent(WebhookDeliveryPage, "Deliveries") },
});
const redeliverRoute = apiRoute({
  operationId: "redeliverWebhook",
  method: "post",
  path: "/webhooks/{id}/deliveries/{delivery_id}/redeliver",
  tags: TAGS,
  summary: "Send a delivery's event again, with the same webhook-id (admin)",
  ...adminAccess,
  errors: [409],
  request: { params: EndpointParams.extend({ delivery_id: IdParam("delivery_id") }) },
  responses: { 202: jsonContent(WebhookDeliverySchema.pick({ id: true }), "Queued") },
});

/** The URL must be one deliveries could go to (https on a public host), or a 400 naming the field. */
function checkedUrl(env: Env, url: string): string {
  const verdict = checkWebhookUrl(url, loopbackAllowed(env));
  if (!verdict.ok) throw new Problem(400, `url: ${verdict.reason}`, { errors: [{ field: "url", message: verdict.reason }] });
  return url;
}

/** A Standard Webhooks secret: "whsec_" and 32 random bytes in base64. */
function newSecret(): string {
  return `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`;
}

export const webhookEndpointsRoutes = createRouter()
  .openapi(listRoute, async (c) => c.json(await c.var.store.listWebhookEndpoints(), 200))
  .openapi(createRouteDef, async (c) => {
    const body = c.req.valid("json");
    checkedUrl(c.env, body.url);
    const id = newId();
    const secret = newSecret();
    const created = await c.var.store.createWebhookEndpoint(id, body, await encryptSecret(c.env, secret, id), sessionOf(c.var.principal).userId);
    return c.json({ ...created, secret }, 201);
  })
  .openapi(updateRoute, async (c) => {
    const body = c.req.valid("json");
    if (body.url) checkedUrl(c.env, body.url);
    return c.json(await c.var.store.updateWebhookEndpoint(c.req.valid("param").id, body), 200);
  })
  .openapi(deleteRoute, async (c) => {
    await c.var.store.deleteWebhookEndpoint(c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(testRoute, async (c) => c.json(await c.var.store.sendTestWebhook(c.req.valid("param").id), 202))
  .openapi(deliveriesRoute, async (c) => {
    const { cursor, limit } = c.req.valid("query");
    return c.json(await c.var.store.listWebhookDeliveries(c.req.valid("param").id, cursor, limit), 200);
  })
  .openapi(redeliverRoute, async (c) => {
    const { id, delivery_id } = c.req.valid("param");
    return c.json(await c.var.store.redeliverWebhook(id, delivery_id), 202);
  });
