import { z } from "@hono/zod-openapi";
import { actorOf, isAdmin, memberAccess, memberOf } from "../auth/guard";
import { IdParam, apiRoute, createRouter, jsonBody, jsonContent } from "../http/openapi";
import { Problem } from "../lib/problem";
import { BulkInput, BulkJobSchema } from "../schemas/bulk";
import { BULK_CHUNK, SYNC_LIMIT } from "../store/bulk";
import { memberRecord } from "./assignments";

// Changing many contacts at once. Members may tag, untag, set the status of or delete up to
// MEMBER_LIMIT contacts they selected (what they may do one by one); assigning, and acting on
// more or on everything the list matches, is for admins.

export const MEMBER_LIMIT = 100;

const bulkRoute = apiRoute({
  operationId: "bulkChangeContacts",
  errors: [404],
  method: "post",
  path: "/contacts/bulk",
  tags: ["Contacts"],
  summary:
    `Add or remove a tag, assign or unassign a member, set the status, or delete — for the selected contacts, or every contact the list's search and tags match. ` +
    `Up to ${SYNC_LIMIT} contacts are changed at once (200); more in the background, ${BULK_CHUNK} a transaction (202; follow GET /api/bulk-jobs/{id}). ` +
    `Members may tag, untag, set the status of or delete up to ${MEMBER_LIMIT} selected contacts; the rest is for admins`,
  ...memberAccess,
  request: { body: jsonBody(BulkInput) },
  responses: {
    200: jsonContent(BulkJobSchema, "Done"),
    202: jsonContent(BulkJobSchema, "Running in the background"),
  },
});

const getRoute = apiRoute({
  operationId: "getBulkJob",
  method: "get",
  path: "/bulk-jobs/{id}",
  tags: ["Contacts"],
  summary: "A bulk change's progress",
  ...memberAccess,
  request: { params: z.object({ id: IdParam("id") }) },
  responses: { 200: jsonContent(BulkJobSchema, "The bulk change") },
});

export const bulkRoutes = createRouter()
  .openapi(bulkRoute, async (c) => {
    const { action, contact_ids, matching } = c.req.valid("json");
    const principal = c.var.principal;
    if (!isAdmin(principal)) {
      if (matching) throw new Problem(403, "Only an owner or admin may change every contact the list matches; select contacts instead.");
      if (action.type === "assign" || action.type === "unassign") throw new Problem(403, "Only an owner or admin may assign contacts.");
      if ((contact_ids?.length ?? 0) > MEMBER_LIMIT) throw new Problem(403, `Members may change up to ${MEMBER_LIMIT} contacts at once; ask an owner or admin for more.`);
    }
    const member = action.type === "assign" ? await memberRecord(c.var.db, principal.organizationId, action.member_id) : null;
    const job = await c.var.store.startBulk(action, contact_ids ? { contact_ids } : { matching: matching!, memberId: memberOf(principal) }, actorOf(principal), member);
    return job.status === "running" ? c.json(job, 202) : c.json(job, 200);
  })
  .openapi(getRoute, async (c) => c.json(await c.var.store.getBulkJob(c.req.valid("param").id), 200));
