import { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { adminAccess, adminOnly, sessionOf } from "../auth/guard";
import { putTranscript, readTranscript, transcriptKey } from "../blobs";
import { member, user } from "../global/schema";
import { enqueueAll } from "../jobs/queues";
import { newId, nowIso } from "../lib/ids";
import { apiRoute, createRouter, jsonContent } from "../http/openapi";
import { Problem } from "../lib/problem";
import type { StoreClient } from "../store/client";
import { EXPORT_KINDS, type RestoreLine } from "../store/portability";

export const EXPORT_FORMAT = "contacts-export";
export const EXPORT_VERSION = 1;
/** Largest backup POST /api/restore takes (Cloudflare's request body limit on most plans). */
export const MAX_RESTORE_BYTES = 100 * 1024 * 1024;
const PAGE = { contact: 500, call: 50, message: 500 } as Record<string, number>;
const RESTORE_BATCH = 500;
/** R2 reads and writes in flight at once while exporting or restoring. */
const BLOB_CONCURRENCY = 16;

/** `fn` over `items`, at most `limit` at a time, results in order. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += limit) out.push(...(await Promise.all(items.slice(i, i + limit).map(fn))));
  return out;
}

type Row = Record<string, unknown>;

const exportRoute = apiRoute({
  operationId: "exportOrganization",
  method: "get",
  path: "/export",
  tags: ["Organization"],
  summary: "The whole organization's data as NDJSON, one record a line (admin; a backup POST /api/restore takes back)",
  ...adminAccess,
  responses: {
    200: { content: { "application/x-ndjson": { schema: z.string() } }, description: "header, settings, members, tags, lines, contacts, calls, messages, notes, todos, end" },
  },
});

const restoreRoute = apiRoute({
  operationId: "restoreOrganization",
  errors: [409, 413, 415],
  method: "post",
  path: "/restore",
  tags: ["Organization"],
  summary: "Restore a backup made by GET /api/export into this organization, which must have no data yet (admin)",
  ...adminAccess,
  request: { body: { content: { "application/x-ndjson": { schema: z.string() } }, required: true } },
  responses: {
    200: jsonContent(z.object({ restored: z.record(z.string(), z.number().int()) }), "Restored; media are copied again in the background"),
  },
});

/** A call record with its transcription's text in place of the R2 key. */
async function withTranscription(env: Env, record: Row): Promise<Row> {
  const { transcript_key, transcript_chars: _chars, ...data } = record.data as Row;
  return { ...record, data, transcription: typeof transcript_key === "string" ? await readTranscript(env, transcript_key) : null };
}

/** Media rows without this store's R2 keys (they mean nothing elsewhere; restore copies again). */
function withoutKeys(record: Row): Row {
  return { ...record, media: (record.media as Row[]).map(({ r2_key: _key, stored_at: _at, ...m }) => m) };
}

async function writeExport(env: Env, store: StoreClient, header: Row, out: WritableStreamDefaultWriter<Uint8Array>) {
  const encoder = new TextEncoder();
  const write = (record: Row) => out.write(encoder.encode(`${JSON.stringify(record)}\n`));
  const counts: Record<string, number> = {};
  await write(header);
  for (const kind of EXPORT_KINDS) {
    let after: string | null = null;
    do {
      const page = await store.exportPage(kind, after, PAGE[kind] ?? 1000);
      const records =
        kind === "call" ? await mapLimited(page.records, BLOB_CONCURRENCY, (r) => withTranscription(env, r)) : kind === "message" ? page.records.map(withoutKeys) : page.records;
      for (const record of records) {
        await write(record);
        counts[kind] = (counts[kind] ?? 0) + 1;
      }
      after = page.next;
    } while (after);
  }
  await write({ type: "end", counts });
}

/** The body's lines, numbered, refusing more than MAX_RESTORE_BYTES. */
async function* lines(body: ReadableStream<Uint8Array>): AsyncGenerator<{ line: number; text: string }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  let bytes = 0;
  let line = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    bytes += chunk.value.byteLength;
    if (bytes > MAX_RESTORE_BYTES) throw new Problem(413, `A backup is limited to ${MAX_RESTORE_BYTES / 1024 / 1024} MB.`);
    buffered += decoder.decode(chunk.value, { stream: true });
    let end = buffered.indexOf("\n");
    while (end !== -1) {
      yield { line: ++line, text: buffered.slice(0, end) };
      buffered = buffered.slice(end + 1);
      end = buffered.indexOf("\n");
    }
  }
  buffered += decoder.decode();
  if (buffered.trim()) yield { line: ++line, text: buffered };
}

const badLine = (line: number, detail: string) => new Problem(400, `line ${line}: ${detail}`, { errors: [{ field: `line ${line}`, message: detail }] });

function parseLine(line: number, text: string): Row {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badLine(line, "is not JSON");
  }
  if (!value || typeof value !== "object" || Array.isArray(value) || typeof (value as Row).type !== "string") throw badLine(line, "is not a record with a type");
  return value as Row;
}

/** A call record's transcription goes to R2 under this organization; the store gets its key. */
async function storeTranscription(env: Env, organizationId: string, { line, record }: RestoreLine): Promise<RestoreLine> {
  const data = record.data as Row | undefined;
  const text = record.transcription;
  const { transcription: _text, ...rest } = record;
  if (!data || typeof data.id !== "string") throw badLine(line, "a call needs data.id");
  if (text !== null && text !== undefined && typeof text !== "string") throw badLine(line, "transcription must be text or null");
  const withoutKey = { ...data, transcript_key: null, transcript_chars: null };
  if (!text) return { line, record: { ...rest, data: withoutKey } };
  const key = transcriptKey(organizationId, data.id);
  await putTranscript(env, key, text);
  return { line, record: { ...rest, data: { ...withoutKey, transcript_key: key, transcript_chars: text.length } } };
}

async function restore(env: Env, store: StoreClient, organizationId: string, body: ReadableStream<Uint8Array>, restoreId: string) {
  const counts: Record<string, number> = {};
  let batch: RestoreLine[] = [];
  let header = false;
  let end: Row | null = null;
  const flush = async () => {
    if (!batch.length) return;
    const prepared = await mapLimited(batch, BLOB_CONCURRENCY, async (l) => (l.record.type === "call" ? storeTranscription(env, organizationId, l) : l));
    try {
      await store.restoreBatch(restoreId, prepared);
    } catch (err) {
      // The store has no row for this batch's transcripts: they go now (those of earlier batches
      // go with the rows the abort deletes).
      const keys = prepared.map((l) => (l.record.type === "call" ? (l.record.data as Row).transcript_key : null)).filter((k): k is string => typeof k === "string");
      if (keys.length) await env.BLOBS.delete(keys);
      throw err;
    }
    batch = [];
  };
  const version = await store.schemaVersion();
  for await (const { line, text } of lines(body)) {
    if (!text.trim()) continue;
    const record = parseLine(line, text);
    if (!header) {
      if (record.type !== "header" || record.format !== EXPORT_FORMAT) throw badLine(line, `the first line must be the header of a ${EXPORT_FORMAT} file`);
      if (record.version !== EXPORT_VERSION) throw badLine(line, `format version ${String(record.version)} is not one this server reads (${EXPORT_VERSION})`);
      if (typeof record.schema_version !== "number" || record.schema_version > version) {
        throw badLine(line, `the backup's schema version ${String(record.schema_version)} is newer than this server's (${version})`);
      }
      header = true;
      continue;
    }
    if (end) throw badLine(line, "comes after the end record");
    if (record.type === "end") {
      end = record;
      continue;
    }
    counts[record.type as string] = (counts[record.type as string] ?? 0) + 1;
    batch.push({ line, record });
    if (batch.length >= RESTORE_BATCH) await flush();
  }
  await flush();
  if (!header) throw new Problem(400, "The backup is empty.");
  if (!end) throw new Problem(400, "The backup ends before its end record: it was cut short.");
  const expected = (end.counts ?? {}) as Record<string, number>;
  for (const kind of new Set([...Object.keys(expected), ...Object.keys(counts)])) {
    if ((expected[kind] ?? 0) !== (counts[kind] ?? 0)) {
      throw new Problem(400, `The backup's end record counts ${expected[kind] ?? 0} ${kind} records, the file holds ${counts[kind] ?? 0}.`);
    }
  }
  return counts;
}

export const backupRoutes = createRouter();
// Registered for the OpenAPI document, served by a plain handler: zod-openapi's typed responses
// read "application/x-ndjson" as a kind of JSON and refuse a stream.
const { middleware: _guard, ...exportOperation } = exportRoute;
backupRoutes.openAPIRegistry.registerPath(exportOperation);
backupRoutes
  .get(exportRoute.path, adminOnly, async (c) => {
    const p = sessionOf(c.var.principal);
    const header = {
      type: "header",
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      schema_version: await c.var.store.schemaVersion(),
      organization_id: p.organizationId,
      organization_name: p.organizationName,
      exported_at: nowIso(),
    };
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const out = writable.getWriter();
    c.executionCtx.waitUntil(
      writeExport(c.env, c.var.store, header, out)
        .then(() => out.close())
        // A failure cuts the file short before its end record, which a restore refuses.
        .catch((err: unknown) => {
          console.error("export failed", err);
          return out.abort(err);
        }),
    );
    const file = `${p.organizationSlug || "organization"}-${header.exported_at.slice(0, 10)}.ndjson`;
    return new Response(readable, { headers: { "content-type": "application/x-ndjson", "content-disposition": `attachment; filename="${file}"` } });
  });
backupRoutes.openapi(restoreRoute, async (c) => {
    if (!/^application\/x-ndjson\s*(;|$)/i.test(c.req.header("content-type") ?? "")) {
      throw new Problem(415, "Send the backup as application/x-ndjson.");
    }
    const body = c.req.raw.body;
    if (!body) throw new Problem(400, "The backup is empty.");
    const { organizationId } = c.var.principal;
    const current = await c.var.db
      .select({ id: member.id, userId: member.userId, role: member.role, name: user.name, email: user.email })
      .from(member)
      .innerJoin(user, eq(user.id, member.userId))
      .where(eq(member.organizationId, organizationId));
    const restoreId = newId();
    await c.var.store.restoreBegin(restoreId, current);
    let counts: Record<string, number>;
    try {
      counts = await restore(c.env, c.var.store, organizationId, body, restoreId);
    } catch (err) {
      await c.var.store.restoreAbort(restoreId);
      throw err;
    }
    const withMedia = await c.var.store.restoreEnd(restoreId);
    await enqueueAll(c.env, withMedia.map((message_id) => ({ type: "fetch_media", organization_id: organizationId, message_id })));
    return c.json({ restored: counts }, 200);
  });
