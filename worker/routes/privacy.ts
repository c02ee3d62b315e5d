import { z } from "@hono/zod-openapi";
import { actorOf, adminAccess } from "../auth/guard";
import { readTranscript } from "../blobs";
import { IdParam, apiRoute, createRouter, jsonContent } from "../http/openapi";
import { nowIso } from "../lib/ids";

// A person's privacy requests (access and erasure), for admins.

const params = z.object({ id: IdParam("id") });
const anyJson = z.record(z.string(), z.unknown());

const exportRoute = apiRoute({
  operationId: "exportContactData",
  method: "get",
  path: "/contacts/{id}/export",
  tags: ["Privacy"],
  summary:
    "Everything held about one person, as one JSON document (admin): fields, numbers, emails, addresses, tags, assigned members, consent history, memory, calls with transcripts and analyses, messages with their media's URLs, notes and todos",
  ...adminAccess,
  request: { params },
  responses: { 200: jsonContent(anyJson, "The person's data (served as an attachment)") },
});

const Erasure = z
  .object({
    erasure_id: z.string(),
    counts: z.record(z.string(), z.number()).openapi({ description: "How many rows of each kind were erased, and how many stored files" }),
  })
  .openapi("Erasure");

const eraseRoute = apiRoute({
  operationId: "eraseContact",
  method: "post",
  path: "/contacts/{id}/erase",
  tags: ["Privacy"],
  summary:
    "Erase a person for good, at once (admin): the contact and everything attached, its transcripts and media in storage, the webhook events that carried its data. Only an anonymous record that an erasure happened is kept",
  ...adminAccess,
  request: { params },
  responses: { 200: jsonContent(Erasure, "Erased") },
});

const listRoute = apiRoute({
  operationId: "listErasures",
  method: "get",
  path: "/erasures",
  tags: ["Privacy"],
  summary: "The record of erasures (admin): when, by whom, how many rows of each kind — nothing about the person",
  ...adminAccess,
  responses: {
    200: jsonContent(z.array(z.object({ id: z.string(), erased_at: z.string(), erased_by: z.string().nullable(), counts: z.record(z.string(), z.number()) })), "Newest first"),
  },
});

export const privacyRoutes = createRouter()
  .openapi(exportRoute, async (c) => {
    const id = c.req.valid("param").id;
    const data = await c.var.store.personalData(id);
    const calls = await Promise.all(
      data.calls.map(async ({ transcript_key, ...call }) => ({ ...call, transcript: typeof transcript_key === "string" ? await readTranscript(c.env, transcript_key) : null })),
    );
    const document = { exported_at: nowIso(), organization_id: c.var.principal.organizationId, ...data, calls };
    return c.json(document, 200, { "content-disposition": `attachment; filename="contact-${id}.json"`, "cache-control": "no-store" });
  })
  .openapi(eraseRoute, async (c) => {
    const erased = await c.var.store.eraseContact(c.req.valid("param").id, actorOf(c.var.principal));
    // At once, not only at the store's next alarm (which deletes them again, harmlessly).
    for (let i = 0; i < erased.blob_keys.length; i += 1000) await c.env.BLOBS.delete(erased.blob_keys.slice(i, i + 1000));
    return c.json({ erasure_id: erased.erasure_id, counts: erased.counts }, 200);
  })
  .openapi(listRoute, async (c) => c.json(await c.var.store.listErasures(), 200));
