import { z } from "@hono/zod-openapi";
import { memberAccess, rateLimited } from "../auth/guard";
import { IdParam, PhoneConflictSchema, apiRoute, createRouter, jsonBody, jsonContent, noContent } from "../http/openapi";
import { ContactCreate, ContactListQuery, ContactSchema, ContactUpdate, paginated } from "../schemas/contacts";

const ContactPage = paginated(ContactSchema).openapi("ContactPage");
const idParams = z.object({ id: IdParam("id") });

const listRoute = apiRoute({
  operationId: "listContacts",
  method: "get",
  path: "/contacts/list",
  tags: ["Contacts"],
  summary: "List contacts with search, sort, tag filter (OR) and pagination",
  ...rateLimited(memberAccess, "search"),
  request: { query: ContactListQuery },
  responses: { 200: jsonContent(ContactPage, "A page of contacts") },
});

const getRoute = apiRoute({
  operationId: "getContact",
  method: "get",
  path: "/contacts/{id}",
  tags: ["Contacts"],
  summary: "Get a contact with phones, emails, addresses, tags and assigned users",
  ...memberAccess,
  request: { params: idParams },
  responses: { 200: jsonContent(ContactSchema, "The contact") },
});

const createContactRoute = apiRoute({
  operationId: "createContact",
  errors: [409],
  conflict: PhoneConflictSchema,
  method: "post",
  path: "/contacts",
  tags: ["Contacts"],
  summary: "Create a contact, optionally with phones, emails and tags, atomically",
  ...memberAccess,
  request: { body: jsonBody(ContactCreate) },
  responses: { 201: jsonContent(ContactSchema, "The created contact") },
});

const updateRoute = apiRoute({
  operationId: "updateContact",
  method: "put",
  path: "/contacts/{id}",
  tags: ["Contacts"],
  summary: "Update contact fields (only the fields given; null clears an optional field)",
  ...memberAccess,
  request: { params: idParams, body: jsonBody(ContactUpdate) },
  responses: { 200: jsonContent(ContactSchema, "The updated contact") },
});

const deleteRoute = apiRoute({
  operationId: "deleteContact",
  method: "delete",
  path: "/contacts/{id}",
  tags: ["Contacts"],
  summary: "Delete a contact with everything that hangs off it",
  ...memberAccess,
  request: { params: idParams },
  responses: { ...noContent },
});

export const contactsRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const { rows_read, ...page } = await c.var.store.listContacts(c.req.valid("query"));
    c.header("x-rows-read", String(rows_read));
    return c.json(page, 200);
  })
  .openapi(getRoute, async (c) => c.json(await c.var.store.getContact(c.req.valid("param").id), 200))
  .openapi(createContactRoute, async (c) => c.json(await c.var.store.createContact(c.req.valid("json")), 201))
  .openapi(updateRoute, async (c) => c.json(await c.var.store.updateContact(c.req.valid("param").id, c.req.valid("json")), 200))
  .openapi(deleteRoute, async (c) => {
    await c.var.store.deleteContact(c.req.valid("param").id);
    return c.body(null, 204);
  });
