import { z } from "@hono/zod-openapi";
import { actorOf, memberAccess } from "../auth/guard";
import { IdParam, apiRoute, createRouter, jsonBody, jsonContent, noContent } from "../http/openapi";
import { SavedViewSchema, ViewInput, ViewUpdate } from "../schemas/views";

// Saved views of the contact list (any member; private ones are their owner's alone).

const params = z.object({ id: IdParam("id") });

const listRoute = apiRoute({
  operationId: "listViews",
  method: "get",
  path: "/views",
  tags: ["Views"],
  summary: "Saved views of the contact list: the member's own and the shared ones, by name (\"All contacts\" is the list without a view)",
  ...memberAccess,
  responses: { 200: jsonContent(z.array(SavedViewSchema), "Views") },
});

const createViewRoute = apiRoute({
  operationId: "createView",
  method: "post",
  path: "/views",
  tags: ["Views"],
  summary: "Save the list's search, tags and sort as a named view, private (default) or shared with the organization",
  ...memberAccess,
  request: { body: jsonBody(ViewInput) },
  responses: { 201: jsonContent(SavedViewSchema, "The view") },
});

const updateRoute = apiRoute({
  operationId: "updateView",
  method: "put",
  path: "/views/{id}",
  tags: ["Views"],
  summary: "Rename a view, change what it selects or share it (its owner, or an admin for a shared view)",
  ...memberAccess,
  request: { params, body: jsonBody(ViewUpdate) },
  responses: { 200: jsonContent(SavedViewSchema, "The view") },
});

const deleteRoute = apiRoute({
  operationId: "deleteView",
  method: "delete",
  path: "/views/{id}",
  tags: ["Views"],
  summary: "Delete a view (its owner, or an admin for a shared view)",
  ...memberAccess,
  request: { params },
  responses: { ...noContent },
});

export const viewsRoutes = createRouter()
  .openapi(listRoute, async (c) => c.json(await c.var.store.listViews(actorOf(c.var.principal)), 200))
  .openapi(createViewRoute, async (c) => c.json(await c.var.store.createView(c.req.valid("json"), actorOf(c.var.principal)), 201))
  .openapi(updateRoute, async (c) => c.json(await c.var.store.updateView(c.req.valid("param").id, c.req.valid("json"), actorOf(c.var.principal)), 200))
  .openapi(deleteRoute, async (c) => {
    await c.var.store.deleteView(c.req.valid("param").id, actorOf(c.var.principal));
    return c.body(null, 204);
  });
