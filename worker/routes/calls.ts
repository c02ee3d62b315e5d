import { z } from "@hono/zod-openapi";
import { adminAccess, memberAccess, pipelineAccess } from "../auth/guard";
import { putTranscript, transcriptKey, withTranscripts } from "../blobs";
import { enqueue } from "../jobs/queues";
import { IdParam, apiRoute, createRouter, jsonBody, jsonContent } from "../http/openapi";
import { AnalysisInput, AnalysisRun, CallCreated, CallDetails, CallInput, ResolveInput, ResolveResult, TranscriptionInput } from "../schemas/calls";

const callParams = z.object({ id: IdParam("id") });

const resolveRoute = apiRoute({
  operationId: "resolveContact",
  method: "post",
  path: "/contacts/resolve",
  tags: ["Pipeline"],
  summary: "resolve_contact: the caller's contact, created as a stub when the number is new",
  ...pipelineAccess,
  request: { body: jsonBody(ResolveInput) },
  responses: { 200: jsonContent(ResolveResult, "The contact (null for withheld or invalid caller ids)") },
});
const createCallRoute = apiRoute({
  operationId: "recordCall",
  method: "post",
  path: "/calls",
  tags: ["Pipeline"],
  summary: "Record a call and resolve its caller",
  ...pipelineAccess,
  request: { body: jsonBody(CallInput) },
  responses: {
    200: jsonContent(CallCreated, "Already recorded (same external_id)"),
    201: jsonContent(CallCreated, "Recorded"),
  },
});
const transcriptionRoute = apiRoute({
  operationId: "saveTranscription",
  method: "put",
  path: "/calls/{id}/transcription",
  tags: ["Pipeline"],
  summary: "Save the call's transcription and queue enrichment of its contact",
  ...pipelineAccess,
  request: { params: callParams, body: jsonBody(TranscriptionInput) },
  responses: {
    202: jsonContent(z.object({ call_id: z.string(), enrichment: z.literal("queued") }), "Saved; enrichment queued"),
  },
});
const analysisRoute = apiRoute({
  operationId: "addCallAnalysis",
  method: "post",
  path: "/calls/{id}/analyses",
  tags: ["Pipeline"],
  summary: "Store one analyzer run for a call",
  ...pipelineAccess,
  request: { params: callParams, body: jsonBody(AnalysisInput) },
  responses: { 201: jsonContent(AnalysisRun.extend({ analyzer: z.string() }), "Stored") },
});
const enrichRoute = apiRoute({
  operationId: "enrichCall",
  method: "post",
  path: "/calls/{id}/enrich",
  tags: ["Pipeline"],
  summary: "Run enrichment again for a call (admin)",
  ...adminAccess,
  request: { params: callParams },
  responses: {
    202: jsonContent(z.object({ call_id: z.string(), enrichment: z.literal("queued") }), "Queued"),
  },
});
const contactCallsRoute = apiRoute({
  operationId: "listContactCalls",
  method: "get",
  path: "/contacts/{id}/calls",
  tags: ["Contacts"],
  summary: "The contact's calls, newest first, with transcription and analyses grouped by analyzer",
  ...memberAccess,
  request: { params: callParams },
  responses: { 200: jsonContent(z.array(CallDetails), "Calls") },
});

export const callsRoutes = createRouter()
  .openapi(resolveRoute, async (c) => {
    const r = await c.var.store.resolve(c.req.valid("json").phone, "inbound_call");
    return c.json(r.contactId === null ? { contact_id: null, created: false, reason: r.reason } : { contact_id: r.contactId, created: r.created }, 200);
  })
  .openapi(createCallRoute, async (c) => {
    const { existing, ...call } = await c.var.store.recordCall(c.req.valid("json"));
    return c.json(call, existing ? 200 : 201);
  })
  .openapi(transcriptionRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { transcription, ended_at, duration_seconds } = c.req.valid("json");
    const { organizationId } = c.var.principal;
    // The text goes to R2 first; the store then points the call at it (and deletes the object it
    // replaces). If the store refuses (no such call), the new object goes again.
    const key = transcriptKey(organizationId, id);
    await putTranscript(c.env, key, transcription);
    try {
      await c.var.store.saveTranscription(id, { key, chars: transcription.length, ended_at, duration_seconds });
    } catch (err) {
      c.executionCtx.waitUntil(c.env.BLOBS.delete(key));
      throw err;
    }
    await enqueue(c.env, { type: "enrich_contact", organization_id: organizationId, call_id: id });
    return c.json({ call_id: id, enrichment: "queued" as const }, 202);
  })
  .openapi(enrichRoute, async (c) => {
    const { id } = c.req.valid("param");
    await c.var.store.requestEnrichment(id);
    await enqueue(c.env, { type: "enrich_contact", organization_id: c.var.principal.organizationId, call_id: id });
    return c.json({ call_id: id, enrichment: "queued" as const }, 202);
  })
  .openapi(analysisRoute, async (c) => {
    const { analyzer, results } = c.req.valid("json");
    return c.json(await c.var.store.addAnalysis(c.req.valid("param").id, analyzer, results), 201);
  })
  .openapi(contactCallsRoute, async (c) => c.json(await withTranscripts(c.env, await c.var.store.contactCalls(c.req.valid("param").id)), 200));
