import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { type CallerResolution, resolveAndRecord, resolveCaller } from "../contacts/caller";
import { assertContact, getRegion } from "../contacts/load";
import { formatPhone, parsePhone } from "../contacts/phone";
import { rawStatement, runBatch } from "../db/client";
import { callAnalyses, calls, phoneLines } from "../db/schema";
import { isUniqueViolation } from "../lib/db-errors";
import { adminOnly, memberOnly, pipelineOnly } from "../lib/guard";
import { newId, nowIso } from "../lib/ids";
import { isoDateTime } from "../lib/text";
import { IdParam, createRouter, errorResponses, jsonBody, jsonContent } from "../lib/openapi";
import { notFound } from "../lib/problem";
import type { Db } from "../db/client";

export const MAX_TRANSCRIPTION_CHARS = 200_000;


const ResolveInput = z.object({ phone: z.string().max(64).openapi({ example: "+1 (555) 123-4567" }) }).openapi("ResolveInput");
const ResolveResult = z
  .object({
    contact_id: z.string().nullable(),
    created: z.boolean(),
    reason: z.enum(["withheld", "invalid"]).optional().openapi({ description: "Why no contact, when contact_id is null" }),
  })
  .openapi("ResolveResult");

const CallInput = z
  .object({
    caller_phone: z.string().max(64),
    to_phone: z.string().max(64).optional(),
    direction: z.enum(["inbound", "outbound"]).default("inbound"),
    started_at: isoDateTime.optional(),
    external_id: z.string().trim().min(1).max(200).optional().openapi({ description: "Your call id; retries with the same id return the same call" }),
  })
  .openapi("CallInput");
const CallCreated = z
  .object({ call_id: z.string(), contact_id: z.string().nullable(), contact_created: z.boolean() })
  .openapi("CallCreated");

const TranscriptionInput = z
  .object({
    transcription: z.string().min(1, "is required").max(MAX_TRANSCRIPTION_CHARS),
    ended_at: isoDateTime.optional(),
    duration_seconds: z.number().int().min(0).max(86_400).optional(),
  })
  .openapi("TranscriptionInput");

const AnalysisInput = z
  .object({
    analyzer: z.string().trim().min(1).max(100),
    results: z.record(z.string(), z.unknown()),
  })
  .openapi("AnalysisInput");
const AnalysisRun = z.object({ id: z.string(), results: z.record(z.string(), z.unknown()), created_at: z.string() }).openapi("AnalysisRun");

export const CallDetails = z
  .object({
    id: z.string(),
    contact_id: z.string().nullable(),
    direction: z.enum(["inbound", "outbound"]),
    caller_phone: z.string().nullable(),
    to_phone: z.string().nullable(),
    started_at: z.string(),
    ended_at: z.string().nullable(),
    duration_seconds: z.number().nullable(),
    received_on: z.string().nullable().openapi({ description: 'The organization line, as "name (formatted number)"' }),
    transcription: z.string().nullable(),
    enrichment: z.object({
      status: z.string().nullable(),
      detail: z.string().nullable(),
      model: z.string().nullable(),
      prompt_tokens: z.number().nullable(),
      completion_tokens: z.number().nullable(),
      enriched_at: z.string().nullable(),
    }),
    analyses: z.array(z.object({ analyzer: z.string(), runs: z.array(AnalysisRun) })),
  })
  .openapi("CallDetails");

const callParams = z.object({ id: IdParam("id") });

const resolveRoute = createRoute({
  method: "post",
  path: "/contacts/resolve",
  tags: ["Pipeline"],
  summary: "resolve_contact: the caller's contact, created as a stub when the number is new",
  middleware: [pipelineOnly] as const,
  request: { body: jsonBody(ResolveInput) },
  responses: { 200: jsonContent(ResolveResult, "The contact (null for withheld or invalid caller ids)"), ...errorResponses },
});
const createCallRoute = createRoute({
  method: "post",
  path: "/calls",
  tags: ["Pipeline"],
  summary: "Record a call and resolve its caller",
  middleware: [pipelineOnly] as const,
  request: { body: jsonBody(CallInput) },
  responses: {
    200: jsonContent(CallCreated, "Already recorded (same external_id)"),
    201: jsonContent(CallCreated, "Recorded"),
    ...errorResponses,
  },
});
const transcriptionRoute = createRoute({
  method: "put",
  path: "/calls/{id}/transcription",
  tags: ["Pipeline"],
  summary: "Save the call's transcription and queue enrichment of its contact",
  middleware: [pipelineOnly] as const,
  request: { params: callParams, body: jsonBody(TranscriptionInput) },
  responses: {
    202: jsonContent(z.object({ call_id: z.string(), enrichment: z.literal("queued") }), "Saved; enrichment queued"),
    ...errorResponses,
  },
});
const analysisRoute = createRoute({
  method: "post",
  path: "/calls/{id}/analyses",
  tags: ["Pipeline"],
  summary: "Store one analyzer run for a call",
  middleware: [pipelineOnly] as const,
  request: { params: callParams, body: jsonBody(AnalysisInput) },
  responses: { 201: jsonContent(AnalysisRun.extend({ analyzer: z.string() }), "Stored"), ...errorResponses },
});
const enrichRoute = createRoute({
  method: "post",
  path: "/calls/{id}/enrich",
  tags: ["Pipeline"],
  summary: "Run enrichment again for a call (admin)",
  middleware: [adminOnly] as const,
  request: { params: callParams },
  responses: {
    202: jsonContent(z.object({ call_id: z.string(), enrichment: z.literal("queued") }), "Queued"),
    ...errorResponses,
  },
});
const contactCallsRoute = createRoute({
  method: "get",
  path: "/contacts/{id}/calls",
  tags: ["Contacts"],
  summary: "The contact's calls, newest first, with transcription and analyses grouped by analyzer",
  middleware: [memberOnly] as const,
  request: { params: callParams },
  responses: { 200: jsonContent(z.array(CallDetails), "Calls"), ...errorResponses },
});

/** Marks the call's enrichment as pending and queues it (a transcription was saved, or an admin asked). */
async function queueEnrichment(env: Env, db: Db, organizationId: string, id: string, changes: Partial<typeof calls.$inferInsert> = {}) {
  await db
    .update(calls)
    .set({ ...changes, enrichmentStatus: "pending", enrichmentDetail: null, enrichmentClaimedAt: null, updatedAt: nowIso() })
    .where(eq(calls.id, id));
  await env.ENRICHMENT_QUEUE.send({ type: "enrich_contact", organization_id: organizationId, call_id: id });
}

async function findCall(db: Db, organizationId: string, id: string) {
  const [row] = await db
    .select({ id: calls.id, contactId: calls.contactId })
    .from(calls)
    .where(and(eq(calls.id, id), eq(calls.organizationId, organizationId)));
  if (!row) throw notFound("Call");
  return row;
}

async function findByExternalId(db: Db, organizationId: string, externalId: string) {
  const [row] = await db
    .select({ call_id: calls.id, contact_id: calls.contactId })
    .from(calls)
    .where(and(eq(calls.organizationId, organizationId), eq(calls.externalId, externalId)));
  return row;
}

/** CallDetails newest first, for one contact (at most 200) or for the given call ids. */
export async function loadCallDetails(
  db: Db,
  organizationId: string,
  filter: { contactId: string } | { ids: string[] },
): Promise<z.infer<typeof CallDetails>[]> {
  if ("ids" in filter && filter.ids.length === 0) return [];
  const rows = await db
    .select({ call: calls, lineName: phoneLines.name, lineNumber: phoneLines.phoneNumber })
    .from(calls)
    .leftJoin(phoneLines, eq(phoneLines.id, calls.phoneLineId))
    .where(
      and(
        eq(calls.organizationId, organizationId),
        "ids" in filter ? inArray(calls.id, filter.ids) : eq(calls.contactId, filter.contactId),
      ),
    )
    .orderBy(desc(calls.startedAt), desc(calls.id))
    .limit(200);
  const callIds = rows.map((r) => r.call.id);
  const analyses = callIds.length
    ? await db
        .select()
        .from(callAnalyses)
        .where(inArray(callAnalyses.callId, callIds))
        .orderBy(asc(callAnalyses.analyzer), desc(callAnalyses.createdAt))
    : [];
  const region = await getRegion(db, organizationId);
  return rows.map(({ call, lineName, lineNumber }) => {
    const groups = new Map<string, z.infer<typeof AnalysisRun>[]>();
    for (const a of analyses) {
      if (a.callId !== call.id) continue;
      const runs = groups.get(a.analyzer) ?? [];
      runs.push({ id: a.id, results: a.results as Record<string, unknown>, created_at: a.createdAt });
      groups.set(a.analyzer, runs);
    }
    return {
      id: call.id,
      contact_id: call.contactId,
      direction: call.direction,
      caller_phone: call.callerPhone,
      to_phone: call.toPhone,
      started_at: call.startedAt,
      ended_at: call.endedAt,
      duration_seconds: call.durationSeconds,
      received_on: lineNumber ? `${lineName} (${formatPhone(lineNumber, region)})` : null,
      transcription: call.transcription,
      enrichment: {
        status: call.enrichmentStatus,
        detail: call.enrichmentDetail,
        model: call.enrichmentModel,
        prompt_tokens: call.enrichmentPromptTokens,
        completion_tokens: call.enrichmentCompletionTokens,
        enriched_at: call.enrichedAt,
      },
      analyses: [...groups].map(([analyzer, runs]) => ({ analyzer, runs })),
    };
  });
}

export const callsRoutes = createRouter()
  .openapi(resolveRoute, async (c) => {
    const { phone } = c.req.valid("json");
    const { organizationId } = c.var.principal;
    const r = await resolveCaller(c.env, organizationId, phone, "inbound_call");
    return c.json(
      r.contactId === null
        ? { contact_id: null, created: false, reason: r.reason }
        : { contact_id: r.contactId, created: r.created },
      200,
    );
  })
  .openapi(createCallRoute, async (c) => {
    const body = c.req.valid("json");
    const { organizationId } = c.var.principal;
    const db = c.var.db;
    if (body.external_id) {
      const existing = await findByExternalId(db, organizationId, body.external_id);
      if (existing) return c.json({ ...existing, contact_created: false }, 200);
    }
    const [contactNumber, lineNumber] =
      body.direction === "outbound" ? [body.to_phone ?? "", body.caller_phone] : [body.caller_phone, body.to_phone];
    const id = newId();
    const now = nowIso();
    const startedAt = body.started_at ?? now;
    const record = (caller: CallerResolution) => {
      // The line number is read with the region the PhoneDirectory read the caller id with.
      const line = lineNumber ? parsePhone(lineNumber, caller.region) : null;
      return runBatch(db, [
        rawStatement(
          db,
          sql`INSERT INTO calls (id, organization_id, contact_id, phone_line_id, external_id, direction, caller_phone, to_phone, started_at, created_at, updated_at)
            VALUES (${id}, ${organizationId}, ${caller.contactId}, (SELECT id FROM phone_lines WHERE organization_id = ${organizationId} AND phone_number = ${line?.ok ? line.phone.e164 : null}),
              ${body.external_id ?? null}, ${body.direction}, ${body.caller_phone}, ${body.to_phone ?? null}, ${startedAt}, ${now}, ${now})`,
        ),
        rawStatement(
          db,
          sql`UPDATE contacts SET last_contacted_at = ${startedAt}
            WHERE id = ${caller.contactId} AND (last_contacted_at IS NULL OR last_contacted_at < ${startedAt})`,
        ),
      ]);
    };
    let caller: CallerResolution;
    try {
      caller = await resolveAndRecord(c.env, organizationId, contactNumber, "inbound_call", record);
    } catch (err) {
      // A concurrent retry with the same external_id won the insert: answer with its call.
      const existing = body.external_id && isUniqueViolation(err) ? await findByExternalId(db, organizationId, body.external_id) : undefined;
      if (existing) return c.json({ ...existing, contact_created: false }, 200);
      throw err;
    }
    return c.json({ call_id: id, contact_id: caller.contactId, contact_created: caller.created }, 201);
  })
  .openapi(transcriptionRoute, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const { organizationId } = c.var.principal;
    const db = c.var.db;
    await findCall(db, organizationId, id);
    await queueEnrichment(c.env, db, organizationId, id, {
      transcription: body.transcription,
      ...(body.ended_at && { endedAt: body.ended_at }),
      ...(body.duration_seconds !== undefined && { durationSeconds: body.duration_seconds }),
    });
    return c.json({ call_id: id, enrichment: "queued" as const }, 202);
  })
  .openapi(enrichRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { organizationId } = c.var.principal;
    await findCall(c.var.db, organizationId, id);
    await queueEnrichment(c.env, c.var.db, organizationId, id);
    return c.json({ call_id: id, enrichment: "queued" as const }, 202);
  })
  .openapi(analysisRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { analyzer, results } = c.req.valid("json");
    const { organizationId } = c.var.principal;
    await findCall(c.var.db, organizationId, id);
    const row = { id: newId(), organizationId, callId: id, analyzer, results, createdAt: nowIso() };
    await c.var.db.insert(callAnalyses).values(row);
    return c.json({ id: row.id, analyzer, results, created_at: row.createdAt }, 201);
  })
  .openapi(contactCallsRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { organizationId } = c.var.principal;
    await assertContact(c.var.db, organizationId, id);
    return c.json(await loadCallDetails(c.var.db, organizationId, { contactId: id }), 200);
  });
