import { z } from "@hono/zod-openapi";
import { actorOf, adminAccess } from "../auth/guard";
import { readChunkRows } from "../jobs/import";
import { enqueue } from "../jobs/queues";
import { IdParam, apiRoute, createRouter, jsonBody, jsonContent, noContent } from "../http/openapi";
import { textStream } from "../http/text-stream";
import { csvRows } from "../lib/contacts-csv";
import { newId } from "../lib/ids";
import {
  IMPORT_FIELDS,
  IMPORT_POLICIES,
  type ImportField,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_ROWS,
  MappingSchema,
  PREVIEW_ROWS,
  autoMapping,
  checkFile,
  checkMapping,
} from "../lib/import-csv";
import { Problem } from "../lib/problem";
import { oneLine } from "../lib/text";
import type { StoreClient } from "../store/client";

// CSV imports (admin): upload, map and preview, start, follow, cancel, download the failed rows.

const params = z.object({ id: IdParam("id") });
const Policy = z.enum(IMPORT_POLICIES).openapi({
  description: "A row matching an existing contact (by phone, email or external id): skip it, fill the contact's empty fields (default), or overwrite its fields",
});

const ImportSchema = z
  .object({
    id: z.string(),
    filename: z.string(),
    status: z.enum(["draft", "running", "done", "cancelled", "failed"]),
    policy: Policy,
    bytes: z.number().int(),
    row_count: z.number().int(),
    header: z.array(z.string()),
    mapping: z.array(z.enum(IMPORT_FIELDS).nullable()).openapi({ description: "The field each column is read as (null: left out), in the header's order" }),
    progress: z.object({ rows_done: z.number().int(), chunks_done: z.number().int(), chunk_count: z.number().int(), percent: z.number().int() }),
    counts: z.object({ created: z.number().int(), updated: z.number().int(), skipped: z.number().int(), failed: z.number().int(), tags_created: z.number().int() }),
    detail: z.string().nullable().openapi({ description: "Why a failed import stopped" }),
    created_by: z.object({ user_id: z.string(), name: z.string() }).nullable(),
    created_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
  })
  .openapi("Import");

const PreviewSchema = z
  .object({
    import_id: z.string(),
    policy: Policy,
    rows: z.array(
      z.object({
        line: z.number().int(),
        cells: z.array(z.string()),
        outcome: z.enum(["created", "updated", "skipped", "failed"]).openapi({ description: "What importing the row would do now" }),
        reason: z.string().nullable(),
        contact_id: z.string().nullable().openapi({ description: "The existing contact it matches" }),
        read: z
          .object({
            fields: z.record(z.string(), z.string()),
            phones: z.array(z.string()),
            emails: z.array(z.string()),
            tags: z.array(z.string()),
            assigned_members: z.array(z.string()),
            address: z.record(z.string(), z.string()).nullable(),
            note: z.string().nullable(),
          })
          .nullable()
          .openapi({ description: "How the row is read with the mapping (null when it cannot be)" }),
      }),
    ),
  })
  .openapi("ImportPreview");

const MappingPatch = z.object({ mapping: MappingSchema.optional(), policy: Policy.optional() });

const uploadRoute = apiRoute({
  operationId: "createImport",
  errors: [413, 415],
  method: "post",
  path: "/imports",
  tags: ["Imports"],
  summary: `Upload a CSV file of contacts (admin; text/csv, UTF-8, a header line, at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB and ${MAX_IMPORT_ROWS.toLocaleString("en-US")} rows). Nothing is imported yet: the answer is a draft with the columns mapped from their headers; preview, change the mapping, then start`,
  ...adminAccess,
  request: {
    query: z.object({ filename: oneLine().max(200).optional().openapi({ description: "The file's name, shown in the list of imports" }) }),
    body: { content: { "text/csv": { schema: z.string() } }, required: true },
  },
  responses: { 201: jsonContent(ImportSchema, "The draft import") },
});

const listRoute = apiRoute({
  operationId: "listImports",
  method: "get",
  path: "/imports",
  tags: ["Imports"],
  summary: "The organization's latest imports, newest first (admin)",
  ...adminAccess,
  responses: { 200: jsonContent(z.array(ImportSchema), "Up to 20 imports") },
});

const getRoute = apiRoute({
  operationId: "getImport",
  method: "get",
  path: "/imports/{id}",
  tags: ["Imports"],
  summary: "An import's status, counts and progress (admin)",
  ...adminAccess,
  request: { params },
  responses: { 200: jsonContent(ImportSchema, "The import") },
});

const updateRoute = apiRoute({
  operationId: "updateImport",
  errors: [409],
  method: "put",
  path: "/imports/{id}",
  tags: ["Imports"],
  summary: "Change a draft import's column mapping or match policy (admin)",
  ...adminAccess,
  request: { params, body: jsonBody(MappingPatch) },
  responses: { 200: jsonContent(ImportSchema, "The draft import") },
});

const previewRoute = apiRoute({
  operationId: "previewImport",
  method: "get",
  path: "/imports/{id}/preview",
  tags: ["Imports"],
  summary: `How the first ${PREVIEW_ROWS} rows are read with the import's mapping and what importing each would do (created, updated, skipped, failed with the reason); writes nothing (admin)`,
  ...adminAccess,
  request: { params, query: z.object({ policy: Policy.optional() }) },
  responses: { 200: jsonContent(PreviewSchema, "The preview") },
});

const startRoute = apiRoute({
  operationId: "startImport",
  errors: [409],
  method: "post",
  path: "/imports/{id}/start",
  tags: ["Imports"],
  summary: "Confirm the mapping (and policy) and import in the background; follow it with GET /api/imports/{id} (admin)",
  ...adminAccess,
  request: { params, body: jsonBody(MappingPatch) },
  responses: { 202: jsonContent(ImportSchema, "Started") },
});

const cancelRoute = apiRoute({
  operationId: "cancelImport",
  errors: [409],
  method: "post",
  path: "/imports/{id}/cancel",
  tags: ["Imports"],
  summary: "Stop an import: rows already written stay, no further row is read (admin)",
  ...adminAccess,
  request: { params },
  responses: { 200: jsonContent(ImportSchema, "Cancelled") },
});

const deleteRoute = apiRoute({
  operationId: "deleteImport",
  errors: [409],
  method: "delete",
  path: "/imports/{id}",
  tags: ["Imports"],
  summary: "Delete an import that is not running, with its failed rows (admin; the contacts it wrote stay). Finished imports are deleted 30 days after they end",
  ...adminAccess,
  request: { params },
  responses: { ...noContent },
});

const errorsRoute = apiRoute({
  operationId: "importErrorsCsv",
  method: "get",
  path: "/imports/{id}/errors.csv",
  tags: ["Imports"],
  summary: "The rows that failed, as they were in the file, with an import_error column saying why (line and reason): fix them and upload the file again (admin)",
  ...adminAccess,
  request: { params },
  responses: { 200: { content: { "text/csv": { schema: z.string() } }, description: "CSV with the file's header and import_error" } },
});

/** The uploaded file (its size is limited by the app's body limit for this route, worker/app.ts). */
async function readUpload(req: Request): Promise<Uint8Array> {
  if (!/^text\/csv\s*(;|$)/i.test(req.headers.get("content-type") ?? "")) throw new Problem(415, "Send the file as text/csv.");
  return new Uint8Array(await req.arrayBuffer());
}

const importKey = (organizationId: string, id: string) => `${organizationId}/imports/${id}.csv`;

async function preview(env: Env, store: StoreClient, id: string, policy: (typeof IMPORT_POLICIES)[number] | undefined) {
  const source = await store.previewSource(id);
  const rows = await readChunkRows(env, source, source.chunk, PREVIEW_ROWS);
  const outcomes = await store.previewImport(id, rows, policy);
  return {
    import_id: id,
    policy: policy ?? source.policy,
    rows: rows.map((row, i) => {
      const outcome = outcomes[i]!;
      return {
        line: row.line,
        cells: row.cells,
        outcome: outcome.kind,
        reason: outcome.reason,
        contact_id: outcome.kind === "created" ? null : outcome.contact_id,
        read: row.error
          ? null
          : { fields: row.fields, phones: row.phones.map((p) => p.e164), emails: row.emails, tags: row.tags, assigned_members: row.members, address: row.address, note: row.note },
      };
    }),
  };
}

const ERROR_PAGE = 1000;

/** errors.csv: the file's header and import_error, then the failed rows a page at a time. */
function errorsStream(store: StoreClient, id: string, header: string[], keep: (p: Promise<unknown>) => void): ReadableStream<Uint8Array> {
  return textStream("import errors.csv", keep, async (write) => {
    await write(csvRows([[...header, "import_error"]]));
    for (let after = 0; ; ) {
      const page = await store.importErrors(id, after, ERROR_PAGE);
      await write(csvRows(page.rows.map((r) => [...r.cells, `line ${r.line}: ${r.reason}`])));
      if (page.rows.length < ERROR_PAGE) return;
      after = page.rows.at(-1)!.line;
    }
  });
}

export const importsRoutes = createRouter()
  .openapi(uploadRoute, async (c) => {
    const bytes = await readUpload(c.req.raw);
    const file = checkFile(bytes);
    const organizationId = c.var.principal.organizationId;
    const id = newId();
    const fileKey = importKey(organizationId, id);
    await c.env.BLOBS.put(fileKey, bytes, { httpMetadata: { contentType: "text/csv; charset=utf-8" } });
    const filename = c.req.valid("query").filename?.trim() || "import.csv";
    const created = await c.var.store.createImport(
      { id, filename, fileKey, bytes: bytes.byteLength, header: file.header, mapping: autoMapping(file.header), format: file.format, chunks: file.chunks, rowCount: file.rowCount },
      actorOf(c.var.principal),
    );
    return c.json(created, 201);
  })
  .openapi(listRoute, async (c) => c.json(await c.var.store.listImports(20), 200))
  .openapi(getRoute, async (c) => c.json(await c.var.store.getImport(c.req.valid("param").id), 200))
  .openapi(updateRoute, async (c) => {
    const id = c.req.valid("param").id;
    const patch = c.req.valid("json");
    if (patch.mapping) checkMapping((await c.var.store.getImport(id)).header, patch.mapping);
    return c.json(await c.var.store.updateImport(id, patch), 200);
  })
  .openapi(previewRoute, async (c) => c.json(await preview(c.env, c.var.store, c.req.valid("param").id, c.req.valid("query").policy), 200))
  .openapi(startRoute, async (c) => {
    const id = c.req.valid("param").id;
    const patch = c.req.valid("json");
    const current = await c.var.store.getImport(id);
    checkMapping(current.header, (patch.mapping ?? current.mapping) as (ImportField | null)[]);
    const started = await c.var.store.startImport(id, patch);
    try {
      await enqueue(c.env, { type: "import_contacts", organization_id: c.var.principal.organizationId, import_id: id });
    } catch (err) {
      await c.var.store.failImport(id, "The import could not be queued; upload the file again.");
      throw err;
    }
    return c.json(started, 202);
  })
  .openapi(cancelRoute, async (c) => c.json(await c.var.store.cancelImport(c.req.valid("param").id), 200))
  .openapi(deleteRoute, async (c) => {
    await c.var.store.deleteImport(c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(errorsRoute, async (c) => {
    const id = c.req.valid("param").id;
    const current = await c.var.store.getImport(id);
    return c.body(errorsStream(c.var.store, id, current.header, (p) => c.executionCtx.waitUntil(p)), 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${current.filename.replace(/\.csv$/i, "").replace(/["\\\r\n]/g, "")}-errors.csv"`,
      "cache-control": "no-store",
    });
  });
