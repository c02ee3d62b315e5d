import { z } from "@hono/zod-openapi";
import { adminAccess, memberAccess, memberOf, rateLimited } from "../auth/guard";
import { csvHeader, csvRows } from "../lib/contacts-csv";
import { textStream } from "../http/text-stream";
import type { StoreClient } from "../store/client";
import { IdParam, PhoneConflictSchema, apiRoute, createRouter, jsonBody, jsonContent, jsonText, noContent } from "../http/openapi";
import { ContactCreate, ContactListQuery, ContactSchema, ContactUpdate, paginated } from "../schemas/contacts";

const ContactPage = paginated(ContactSchema).openapi("ContactPage");
const idParams = z.object({ id: IdParam("id") });

const listRoute = apiRoute({
  operationId: "listContacts",
  method: "get",
  path: "/contacts/list",
  tags: ["Contacts"],
  summary:
    "List contacts with search, filters (tags any/all, status, pipeline stage, source, assigned member or unassigned, created and last-contacted dates, no name, do not contact) and sort, a page at a time",
  ...rateLimited(memberAccess, "search"),
  request: { query: ContactListQuery },
  responses: { 200: jsonContent(ContactPage, "A page of contacts") },
});

const FacetValue = z.object({ value: z.string(), count: z.number().int() });
const ContactFacets = z
  .object({
    total: z.number().int(),
    status: z.array(FacetValue),
    pipeline_stage: z.array(FacetValue).openapi({ description: "none: no stage" }),
    source: z.array(FacetValue),
    no_name: z.number().int().openapi({ description: "Contacts without a name" }),
  })
  .openapi("ContactFacets");

const facetsRoute = apiRoute({
  operationId: "contactFacets",
  method: "get",
  path: "/contacts/facets",
  tags: ["Contacts"],
  summary: "How many contacts have each status, pipeline stage and source (most first), and how many have no name: the filters' choices",
  ...memberAccess,
  responses: { 200: jsonContent(ContactFacets, "Counts, kept as contacts change") },
});

const exportRoute = apiRoute({
  operationId: "exportContactsCsv",
  method: "get",
  path: "/contacts/export.csv",
  tags: ["Contacts"],
  summary:
    "Every contact the list's search, filters and sort select, as CSV (admin), streamed: one row a contact, several numbers, emails, tags and members joined with '; ', cells a spreadsheet would run as formulas prefixed with '",
  ...rateLimited(adminAccess, "search"),
  request: { query: ContactListQuery.omit({ page: true, page_size: true, exact_count: true }) },
  responses: { 200: { content: { "text/csv": { schema: z.string() } }, description: "UTF-8 CSV with a header row" } },
});

/** Contacts an export reads from the store at a time, between writes to the response. */
const EXPORT_CHUNK = 5000;

/**
 * The CSV of these contacts, header first, read from the store `chunk` at a time; the next chunk
 * is asked of the store while this one is written. `keep` keeps the Worker alive while it streams.
 */
export function csvStream(store: StoreClient, ids: string[], keep: (p: Promise<unknown>) => void, chunk = EXPORT_CHUNK): ReadableStream<Uint8Array> {
  return textStream("contacts export", keep, async (write) => {
    await write(csvHeader());
    let next = store.exportRows(ids.slice(0, chunk));
    for (let i = 0; i < ids.length; i += chunk) {
      const rows = await next;
      if (i + chunk < ids.length) next = store.exportRows(ids.slice(i + chunk, i + 2 * chunk));
      await write(csvRows(rows));
    }
  });
}

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
    const { rows_read, page } = await c.var.store.listContacts(c.req.valid("query"), memberOf(c.var.principal));
    c.header("x-rows-read", String(rows_read));
    return jsonText<z.infer<typeof ContactPage>>(c, page);
  })
  .openapi(facetsRoute, async (c) => c.json(await c.var.store.contactFacets(), 200))
  // Before /contacts/{id}: "export.csv" and "facets" are not ids.
  .openapi(exportRoute, async (c) => {
    const store = c.var.store;
    const ids = await store.matchingIds(c.req.valid("query"), memberOf(c.var.principal));
    const readable = csvStream(store, ids, (p) => c.executionCtx.waitUntil(p));
    const day = new Date().toISOString().slice(0, 10);
    return c.body(readable, 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="contacts-${day}.csv"`,
      "cache-control": "no-store",
      "x-total-count": String(ids.length),
    });
  })
  .openapi(getRoute, async (c) => c.json(await c.var.store.getContact(c.req.valid("param").id), 200))
  .openapi(createContactRoute, async (c) => c.json(await c.var.store.createContact(c.req.valid("json")), 201))
  .openapi(updateRoute, async (c) => c.json(await c.var.store.updateContact(c.req.valid("param").id, c.req.valid("json")), 200))
  .openapi(deleteRoute, async (c) => {
    await c.var.store.deleteContact(c.req.valid("param").id);
    return c.body(null, 204);
  });
