import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { CONTACT_STATUSES } from "../schemas/contacts";
import { NOTE_AREAS } from "../schemas/notes";

// One organization's data, in that organization's own SQLite Durable Object (the org store).
// No table carries an organization id: the database is the organization. Timestamps are
// ISO 8601 UTC text. The search index, its triggers and the counters are in the migration
// migrations/store/0001_contact_search.sql.

const id = () => text("id").primaryKey();
const createdAt = () => text("created_at").notNull();
const updatedAt = () => text("updated_at").notNull();

/** The store's one settings row: which organization it holds, and that organization's settings. */
export const storeSettings = sqliteTable(
  "store_settings",
  {
    id: integer("id").primaryKey(),
    organizationId: text("organization_id").notNull(),
    defaultRegion: text("default_region").notNull().default("US"),
    /** The organization's IANA time zone: quiet hours fall back to it (null: UTC). */
    timezone: text("timezone"),
    /** Texts and calls go out only between these local times (HH:MM, 24 h) in the contact's time zone. */
    quietHoursStart: text("quiet_hours_start").notNull().default("08:00"),
    quietHoursEnd: text("quiet_hours_end").notNull().default("21:00"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [check("store_settings_one_row", sql`${t.id} = 1`)],
);

/** Counters kept by triggers, so unfiltered totals are O(1). One row. */
export const contactStats = sqliteTable(
  "contact_stats",
  {
    id: integer("id").primaryKey(),
    contactCount: integer("contact_count").notNull().default(0),
    // Contacts with at least one assignee.
    assignedCount: integer("assigned_count").notNull().default(0),
  },
  (t) => [check("contact_stats_one_row", sql`${t.id} = 1`)],
);

/**
 * A copy of the organization's members (the source of truth is D1), kept in step by
 * better-auth's organization hooks and refreshed whenever a member acts or is assigned.
 * A member who left keeps a row (removed_at) so their name stays on notes they wrote.
 */
export const members = sqliteTable("members", {
  id: id(),
  userId: text("user_id").notNull().unique(),
  name: text("name").notNull(),
  email: text("email").notNull(),
  role: text("role").notNull(),
  removedAt: text("removed_at"),
});

export const contacts = sqliteTable(
  "contacts",
  {
    id: id(),
    firstName: text("first_name").notNull().default(""),
    lastName: text("last_name").notNull().default(""),
    company: text("company"),
    jobTitle: text("job_title"),
    source: text("source"),
    status: text("status", { enum: CONTACT_STATUSES }).notNull().default("active"),
    pipelineStage: text("pipeline_stage"),
    externalId: text("external_id"),
    timezone: text("timezone"),
    preferredLanguage: text("preferred_language"),
    dateOfBirth: text("date_of_birth"),
    gender: text("gender"),
    avatarUrl: text("avatar_url"),
    aiSummary: text("ai_summary"),
    // Name A-Z ordering key; stubs (no name) sort after every real name.
    sortName: text("sort_name").generatedAlwaysAs(
      sql`CASE WHEN trim(first_name || last_name) = '' THEN char(1114111) ELSE lower(trim(first_name || ' ' || last_name)) END`,
      { mode: "virtual" },
    ),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    lastContactedAt: text("last_contacted_at"),
  },
  (t) => [
    index("contacts_created_idx").on(t.createdAt, t.id),
    index("contacts_sort_name_idx").on(t.sortName, t.id),
    index("contacts_last_contacted_idx").on(t.lastContactedAt, t.id),
    index("contacts_status_idx").on(t.status),
    index("contacts_external_idx").on(t.externalId),
    index("contacts_stage_idx").on(t.pipelineStage),
    index("contacts_source_idx").on(t.source),
  ],
);

export const contactPhones = sqliteTable(
  "contact_phones",
  {
    id: id(),
    contactId: text("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    // E.164; one number is one contact of the organization.
    phoneNumber: text("phone_number").notNull().unique(),
    // Digits of the E.164 number and of its national form, for search by any typed format.
    digits: text("digits").notNull(),
    nationalDigits: text("national_digits").notNull(),
    // Its display forms (lib/phone.ts phoneForms), written with it: a list shows the national form
    // to an organization in the number's country, else the international one, without parsing
    // (libphonenumber costs ~30 µs a number, ~1 ms a list page). Null only between the migration
    // that added them and the store's fill of the rows already there (OrgStore #migrate).
    country: text("country"),
    national: text("national"),
    international: text("international"),
    label: text("label"),
    isPreferred: integer("is_preferred", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index("contact_phones_contact_idx").on(t.contactId)],
);

export const contactEmails = sqliteTable(
  "contact_emails",
  {
    id: id(),
    contactId: text("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    emailNormalized: text("email_normalized").notNull(),
    label: text("label"),
    isPreferred: integer("is_preferred", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("contact_emails_contact_email_uq").on(t.contactId, t.emailNormalized),
    index("contact_emails_email_idx").on(t.emailNormalized),
  ],
);

export const contactAddresses = sqliteTable(
  "contact_addresses",
  {
    id: id(),
    contactId: text("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    label: text("label"),
    street: text("street"),
    city: text("city"),
    state: text("state"),
    zip: text("zip"),
    country: text("country"),
    isPrimary: integer("is_primary", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index("contact_addresses_contact_idx").on(t.contactId)],
);

export const tags = sqliteTable("tags", {
  id: id(),
  name: text("name").notNull(),
  nameNormalized: text("name_normalized").notNull().unique(),
  color: text("color").notNull(),
  createdAt: createdAt(),
});

export const contactTags = sqliteTable(
  "contact_tags",
  {
    contactId: text("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    tagId: text("tag_id")
      .notNull()
      .references(() => tags.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.tagId] }), index("contact_tags_tag_idx").on(t.tagId, t.contactId)],
);

// The spec's contact_user: which members work which contacts.
export const contactUser = sqliteTable(
  "contact_user",
  {
    contactId: text("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    memberId: text("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.memberId] }), index("contact_user_member_idx").on(t.memberId, t.contactId)],
);

// The organization's own numbers (the lines that take calls and send messages).
export const phoneLines = sqliteTable("phone_lines", {
  id: id(),
  name: text("name").notNull(),
  phoneNumber: text("phone_number").notNull().unique(),
  createdAt: createdAt(),
});

export const ENRICHMENT_STATUSES = ["pending", "running", "filled", "checked", "skipped", "rejected", "failed"] as const;

export const calls = sqliteTable(
  "calls",
  {
    id: id(),
    contactId: text("contact_id").references(() => contacts.id, { onDelete: "cascade" }),
    phoneLineId: text("phone_line_id").references(() => phoneLines.id, { onDelete: "set null" }),
    externalId: text("external_id").unique(),
    direction: text("direction", { enum: ["inbound", "outbound"] }).notNull().default("inbound"),
    callerPhone: text("caller_phone"),
    toPhone: text("to_phone"),
    startedAt: text("started_at").notNull(),
    endedAt: text("ended_at"),
    durationSeconds: integer("duration_seconds"),
    // Where the call was reported from: the call pipeline's API, or a voice platform's webhook.
    source: text("source", { enum: ["pipeline", "retell", "vapi"] }).notNull().default("pipeline"),
    recordingUrl: text("recording_url"),
    /** The caller's number was on the organization's block list: no contact was resolved or created. */
    blocked: integer("blocked", { mode: "boolean" }).notNull().default(false),
    /** STIR/SHAKEN attestation the carrier gave the caller id (A full, B partial, C gateway), when the pipeline sent it. */
    attestation: text("attestation", { enum: ["A", "B", "C"] }),
    // The transcription is an R2 object (worker/blobs.ts); the store keeps where and how long.
    transcriptKey: text("transcript_key"),
    transcriptChars: integer("transcript_chars"),
    enrichmentStatus: text("enrichment_status", { enum: ENRICHMENT_STATUSES }),
    enrichmentDetail: text("enrichment_detail"),
    enrichmentModel: text("enrichment_model"),
    enrichmentPromptTokens: integer("enrichment_prompt_tokens"),
    enrichmentCompletionTokens: integer("enrichment_completion_tokens"),
    enrichedAt: text("enriched_at"),
    // Lease of the consumer currently enriching this call (duplicate deliveries skip it).
    enrichmentClaimedAt: text("enrichment_claimed_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("calls_contact_started_idx").on(t.contactId, t.startedAt), index("calls_started_idx").on(t.startedAt)],
);

export const callAnalyses = sqliteTable(
  "call_analyses",
  {
    id: id(),
    callId: text("call_id")
      .notNull()
      .references(() => calls.id, { onDelete: "cascade" }),
    analyzer: text("analyzer").notNull(),
    results: text("results", { mode: "json" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("call_analyses_call_idx").on(t.callId, t.analyzer, t.createdAt)],
);

export const todos = sqliteTable(
  "todos",
  {
    id: id(),
    contactId: text("contact_id").references(() => contacts.id, { onDelete: "cascade" }),
    callId: text("call_id").references(() => calls.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    description: text("description"),
    status: text("status", { enum: ["open", "done"] }).notNull().default("open"),
    dueAt: text("due_at"),
    assigneeMemberId: text("assignee_member_id").references(() => members.id, { onDelete: "set null" }),
    createdByUserId: text("created_by_user_id"),
    completedAt: text("completed_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("todos_contact_created_idx").on(t.contactId, t.createdAt), index("todos_call_idx").on(t.callId)],
);

export const notes = sqliteTable(
  "notes",
  {
    id: id(),
    contactId: text("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    authorUserId: text("author_user_id"),
    callId: text("call_id").references(() => calls.id, { onDelete: "set null" }),
    area: text("area", { enum: NOTE_AREAS }).notNull().default("manual"),
    body: text("body").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("notes_contact_created_idx").on(t.contactId, t.createdAt)],
);

export const messages = sqliteTable(
  "messages",
  {
    id: id(),
    contactId: text("contact_id").references(() => contacts.id, { onDelete: "cascade" }),
    phoneLineId: text("phone_line_id").references(() => phoneLines.id, { onDelete: "set null" }),
    direction: text("direction", { enum: ["inbound", "outbound"] }).notNull(),
    fromPhone: text("from_phone").notNull(),
    toPhone: text("to_phone").notNull(),
    body: text("body").notNull().default(""),
    // Where the provider serves the media (as the pipeline sent them).
    mediaUrls: text("media_urls", { mode: "json" }).$type<string[]>().notNull().default([]),
    status: text("status").notNull(),
    statusDetail: text("status_detail"),
    // The carrier's error code with undelivered / failed (Twilio's ErrorCode, e.g. 30003).
    errorCode: integer("error_code"),
    provider: text("provider"),
    providerMessageId: text("provider_message_id").unique(),
    sentByUserId: text("sent_by_user_id"),
    sentAt: text("sent_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("messages_contact_created_idx").on(t.contactId, t.createdAt)],
);

export const contactMemory = sqliteTable("contact_memory", {
  contactId: text("contact_id")
    .primaryKey()
    .references(() => contacts.id, { onDelete: "cascade" }),
  content: text("content").notNull(),
  sources: text("sources", { mode: "json" }).$type<string[]>().notNull().default([]),
  model: text("model"),
  updatedAt: updatedAt(),
});

/**
 * R2 objects to delete, written in the same transaction as the change that orphaned them
 * (a contact deleted with its calls, a transcription replaced); the store's alarm deletes them.
 */
export const blobDeletions = sqliteTable("blob_deletions", {
  key: text("key").primaryKey(),
  requestedAt: text("requested_at").notNull(),
});

/**
 * MMS media of a message: where the provider serves it (source_url) and, once the fetch job has
 * copied it, its R2 object. Served to the web app by GET /api/messages/{id}/media/{position}.
 */
export const messageMedia = sqliteTable(
  "message_media",
  {
    messageId: text("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    sourceUrl: text("source_url").notNull(),
    r2Key: text("r2_key"),
    contentType: text("content_type"),
    bytes: integer("bytes"),
    storedAt: text("stored_at"),
    // Why the copy failed for good (the media is then served from its source URL).
    error: text("error"),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.position] })],
);

/** What each voice-platform integration (configured in D1) delivered last, and its last error. */
export const integrationStatus = sqliteTable("integration_status", {
  integrationId: text("integration_id").primaryKey(),
  lastEventAt: text("last_event_at"),
  lastEvent: text("last_event"),
  lastErrorAt: text("last_error_at"),
  lastError: text("last_error"),
});

/**
 * Where the organization's events go (Standard Webhooks). The signing secret is stored encrypted
 * (worker/lib/secrets.ts, bound to the endpoint id); only the Worker can read it.
 */
export const webhookEndpoints = sqliteTable("webhook_endpoints", {
  id: id(),
  url: text("url").notNull(),
  description: text("description").notNull().default(""),
  /** JSON array of event types. */
  eventTypes: text("event_types").notNull(),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  secretCiphertext: text("secret_ciphertext").notNull(),
  /** Why the endpoint was disabled by the system (410, failing for a day), if it was. */
  disabledReason: text("disabled_reason"),
  disabledAt: text("disabled_at"),
  createdByUserId: text("created_by_user_id"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * The outbox: one row per event some endpoint subscribed to, written in the transaction of the
 * change it describes. `payload` is the exact body delivered ({type, timestamp, data}).
 */
export const webhookEvents = sqliteTable("webhook_events", {
  seq: integer("seq").primaryKey({ autoIncrement: true }),
  id: text("id").notNull().unique(),
  type: text("type").notNull(),
  payload: text("payload").notNull(),
  createdAt: createdAt(),
});

/**
 * One event for one endpoint. Delivered in order per (endpoint, order_key): order_key is the
 * contact the event is about (or the event id), and a delivery waits while an earlier one of the
 * same key is unfinished.
 */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: id(),
    seq: integer("seq").notNull(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventId: text("event_id")
      .notNull()
      .references(() => webhookEvents.id, { onDelete: "cascade" }),
    orderKey: text("order_key").notNull(),
    /** pending (due at next_attempt_at) -> queued -> sending -> succeeded | pending (retry) | failed */
    status: text("status", { enum: ["pending", "queued", "sending", "succeeded", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: text("next_attempt_at").notNull(),
    /** A queued or sending delivery whose consumer vanished is due again after this. */
    leaseUntil: text("lease_until"),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("webhook_deliveries_due").on(t.status, t.nextAttemptAt),
    index("webhook_deliveries_order").on(t.endpointId, t.orderKey, t.seq),
    index("webhook_deliveries_endpoint").on(t.endpointId, t.seq),
    index("webhook_deliveries_event").on(t.eventId),
  ],
);

/** Every attempt of a delivery: what the endpoint answered, and how fast. */
export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    at: text("at").notNull(),
    statusCode: integer("status_code"),
    durationMs: integer("duration_ms").notNull(),
    responseExcerpt: text("response_excerpt"),
    error: text("error"),
  },
  (t) => [index("webhook_attempts_delivery").on(t.deliveryId, t.attempt)],
);

/**
 * How many contacts have each value of a filterable field, kept by triggers (migration 0012) so a
 * list filtered on one of them knows its total without counting, and the filter menus can show
 * every value with its count. facet: status, stage, source (value '' = none), member (a member id:
 * contacts assigned to them), tag (a tag id), no_name (value '': contacts without a name),
 * never_contacted (value '', migration 0013).
 */
export const contactCounts = sqliteTable(
  "contact_counts",
  {
    facet: text("facet").notNull(),
    value: text("value").notNull(),
    n: integer("n").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.facet, t.value] })],
);

/**
 * The channels each contact is opted out of now (their latest consent entry on it is an opt-out),
 * kept by triggers on consent_events: the list's do-not-contact filter reads it.
 */
export const contactOptOuts = sqliteTable(
  "contact_opt_outs",
  {
    contactId: text("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    channel: text("channel").notNull(),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.channel] })],
);

/**
 * The consent ledger: append-only, one row per change of a contact's consent on a channel (and
 * each HELP request). A channel's current status is its latest opted_in / opted_out row; none is
 * "unknown".
 */
export const consentEvents = sqliteTable(
  "consent_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    contactId: text("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    channel: text("channel", { enum: ["sms", "voice", "email"] }).notNull(),
    action: text("action", { enum: ["opted_in", "opted_out", "help"] }).notNull(),
    source: text("source", { enum: ["keyword", "carrier", "call_transcript", "user", "api", "import"] }).notNull(),
    /** What proves it: the message or call id, a quote, a carrier error. */
    messageId: text("message_id"),
    callId: text("call_id"),
    evidence: text("evidence"),
    note: text("note"),
    /** Who recorded it (a member), when a person did. */
    actorUserId: text("actor_user_id"),
    actorName: text("actor_name"),
    createdAt: createdAt(),
  },
  (t) => [index("consent_events_contact").on(t.contactId, t.channel, t.id)],
);

/** Numbers the organization does not take calls or texts from: nothing is resolved or created for them. */
export const blockedNumbers = sqliteTable("blocked_numbers", {
  id: id(),
  phoneNumber: text("phone_number").notNull().unique(),
  reason: text("reason"),
  createdByUserId: text("created_by_user_id"),
  createdByName: text("created_by_name"),
  createdAt: createdAt(),
});

/**
 * That a person's data was erased (POST /api/contacts/{id}/erase): when, by whom and how much —
 * nothing about the person, not even the contact's id.
 */
export const erasures = sqliteTable("erasures", {
  id: id(),
  erasedByUserId: text("erased_by_user_id"),
  erasedByName: text("erased_by_name"),
  /** How many rows of each kind went ({"calls": 3, "messages": 12, …}) and how many stored files. */
  counts: text("counts", { mode: "json" }).$type<Record<string, number>>().notNull(),
  erasedAt: createdAt(),
});

/**
 * A CSV import (POST /api/imports): the file is in R2 (`file_key`, deleted once the import ends),
 * read in chunks of rows (`chunks`: byte ranges of the file) by the import queue's consumer, one
 * chunk a transaction, strictly in order (`chunks_done` is the next chunk's index, so a
 * redelivered chunk writes nothing twice).
 */
export const imports = sqliteTable(
  "imports",
  {
    id: id(),
    filename: text("filename").notNull(),
    fileKey: text("file_key").notNull(),
    bytes: integer("bytes").notNull(),
    /** draft (mapping being chosen), running, done, cancelled, failed. */
    status: text("status", { enum: ["draft", "running", "done", "cancelled", "failed"] }).notNull().default("draft"),
    /** What a row matching an existing contact does: skip, fill_empty, overwrite. */
    policy: text("policy", { enum: ["skip", "fill_empty", "overwrite"] }).notNull().default("fill_empty"),
    header: text("header", { mode: "json" }).$type<string[]>().notNull(),
    /** The field each column is read as (same length as header; null: ignored). */
    mapping: text("mapping", { mode: "json" }).$type<(string | null)[]>().notNull(),
    /** How the file is written (papaparse's delimiter and line break). */
    format: text("format", { mode: "json" }).$type<{ delimiter: string; newline: string }>().notNull(),
    chunks: text("chunks", { mode: "json" }).$type<{ offset: number; length: number; line: number; rows: number }[]>().notNull(),
    rowCount: integer("row_count").notNull(),
    chunksDone: integer("chunks_done").notNull().default(0),
    rowsDone: integer("rows_done").notNull().default(0),
    createdCount: integer("created_count").notNull().default(0),
    updatedCount: integer("updated_count").notNull().default(0),
    skippedCount: integer("skipped_count").notNull().default(0),
    failedCount: integer("failed_count").notNull().default(0),
    tagsCreated: integer("tags_created").notNull().default(0),
    /** Why the import stopped (failed). */
    detail: text("detail"),
    createdByUserId: text("created_by_user_id"),
    createdByName: text("created_by_name"),
    createdAt: createdAt(),
    startedAt: text("started_at"),
    finishedAt: text("finished_at"),
    updatedAt: updatedAt(),
  },
  (t) => [index("imports_created_idx").on(t.createdAt)],
);

/** The rows of an import that failed, as they were in the file, with the reason (errors.csv). */
export const importErrors = sqliteTable(
  "import_errors",
  {
    importId: text("import_id")
      .notNull()
      .references(() => imports.id, { onDelete: "cascade" }),
    line: integer("line").notNull(),
    reason: text("reason").notNull(),
    cells: text("cells", { mode: "json" }).$type<string[]>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.line] })],
);

/**
 * Contacts an import created: a later row of the same file matching one of them merges into it
 * whatever the policy (two rows of one file never make two contacts, and `skip` only skips
 * contacts that were there before).
 */
export const importCreated = sqliteTable(
  "import_created",
  {
    importId: text("import_id")
      .notNull()
      .references(() => imports.id, { onDelete: "cascade" }),
    contactId: text("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.importId, t.contactId] }), index("import_created_contact_idx").on(t.contactId)],
);

/**
 * A saved view of the contact list: a name and the list's query (search, tags, sort: the list
 * route's own parameters, so new filters need no migration), private to its owner or shared.
 */
export const savedViews = sqliteTable(
  "saved_views",
  {
    id: id(),
    name: text("name").notNull(),
    query: text("query", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    shared: integer("shared", { mode: "boolean" }).notNull().default(false),
    ownerUserId: text("owner_user_id").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("saved_views_owner_idx").on(t.ownerUserId)],
);

/**
 * A change to many contacts at once (POST /api/contacts/bulk). A small one is applied in the
 * request's own transaction; a large one keeps its contacts (bulk_job_items, a snapshot of the
 * selection in the list's order) and the store's alarm applies it a chunk a transaction.
 */
export const bulkJobs = sqliteTable("bulk_jobs", {
  id: id(),
  /** {type: add_tag|remove_tag|assign|unassign|set_status|delete, tag_id?, member_id?, status?} */
  action: text("action", { mode: "json" }).$type<Record<string, string>>().notNull(),
  status: text("status", { enum: ["running", "done", "failed"] }).notNull(),
  total: integer("total").notNull(),
  doneCount: integer("done_count").notNull().default(0),
  /** Contacts the action changed (a tag already there, a contact deleted meanwhile: not counted). */
  affected: integer("affected").notNull().default(0),
  detail: text("detail"),
  createdByUserId: text("created_by_user_id"),
  createdByName: text("created_by_name"),
  createdAt: createdAt(),
  finishedAt: text("finished_at"),
  updatedAt: updatedAt(),
});

export const bulkJobItems = sqliteTable(
  "bulk_job_items",
  {
    jobId: text("job_id")
      .notNull()
      .references(() => bulkJobs.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    contactId: text("contact_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.position] })],
);

/**
 * Deleted contacts, kept 30 days (DELETE /api/contacts/{id}; GET /api/trash; restore): what the
 * trash shows; the contact and everything attached, as it was, is in snapshot_rows (owner
 * "trash:{contact id}"). Its transcripts and media stay in R2 until the purge (the daily cron)
 * deletes the item for good.
 */
export const trash = sqliteTable(
  "trash",
  {
    contactId: text("contact_id").primaryKey(),
    /** Shown in the trash: the name (or first number) and the numbers, as they were. */
    displayName: text("display_name").notNull(),
    phones: text("phones", { mode: "json" }).$type<string[]>().notNull(),
    deletedByKind: text("deleted_by_kind").notNull(),
    deletedByName: text("deleted_by_name"),
    deletedAt: text("deleted_at").notNull(),
    purgeAfter: text("purge_after").notNull(),
  },
  (t) => [index("trash_deleted_idx").on(t.deletedAt), index("trash_purge_idx").on(t.purgeAfter)],
);

/**
 * Field history: one row per change of a contact's field, numbers, emails, addresses, tags,
 * assignments, status or consent; who did it (a member, an API key, the AI enrichment of a call,
 * an import, a merge, a bulk change) and the old and new value (JSON). Goes with the contact: into
 * the trash, and for good with the purge or an erasure.
 */
export const contactHistory = sqliteTable(
  "contact_history",
  {
    id: id(),
    contactId: text("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    field: text("field").notNull(),
    oldValue: text("old_value"),
    newValue: text("new_value"),
    /** member, api_key, enrichment, import, merge, bulk, system */
    byKind: text("by_kind").notNull(),
    byId: text("by_id"),
    byName: text("by_name"),
    /** The call (enrichment), import, merge or bulk change behind it. */
    viaId: text("via_id"),
    createdAt: createdAt(),
  },
  (t) => [index("contact_history_contact_idx").on(t.contactId, t.id)],
);

/**
 * A merge (POST /api/contacts/{id}/merge). The contacts as they were before are in snapshot_rows
 * (owner "merge:{id}") and the survivor as the merge left it ("merged:{id}"): undo puts the
 * first back while the survivor is still exactly the second.
 */
export const merges = sqliteTable(
  "merges",
  {
    id: id(),
    survivorId: text("survivor_id").notNull(),
    mergedIds: text("merged_ids", { mode: "json" }).$type<string[]>().notNull(),
    /** The merged contacts' names (or first numbers) as they were. */
    mergedNames: text("merged_names", { mode: "json" }).$type<string[]>().notNull(),
    byKind: text("by_kind").notNull(),
    byName: text("by_name"),
    createdAt: createdAt(),
    undoUntil: text("undo_until").notNull(),
    undoneAt: text("undone_at"),
  },
  (t) => [index("merges_survivor_idx").on(t.survivorId), index("merges_created_idx").on(t.createdAt)],
);

/**
 * Contacts as they were, a row each (the trash's items, a merge's contacts before and after): one
 * stored row per row of the contact, so a copy is never larger than what it copies (a Durable
 * Object's SQLite takes rows up to 2 MB). `seq` keeps the order they go back in.
 */
export const snapshotRows = sqliteTable(
  "snapshot_rows",
  {
    owner: text("owner").notNull(),
    seq: integer("seq").notNull(),
    contactId: text("contact_id").notNull(),
    tableName: text("table_name").notNull(),
    data: text("data").notNull(),
  },
  (t) => [primaryKey({ columns: [t.owner, t.seq] })],
);

/** A merged contact's id -> the contact it was merged into (404 with a pointer; gone on undo). */
export const mergedContacts = sqliteTable("merged_contacts", {
  contactId: text("contact_id").primaryKey(),
  survivorId: text("survivor_id").notNull(),
  mergeId: text("merge_id").notNull(),
});

/**
 * What may make two contacts one person, kept by triggers (migrations 0014, 0015) as data
 * changes: one row per contact and key (kind: email, external_id, name_company, phone, name_phone).
 * This table and the two of pairs below are WITHOUT ROWID in their migrations (written by hand:
 * drizzle has no option for it), so their primary key is the table rather than a second copy.
 */
export const duplicateKeys = sqliteTable(
  "duplicate_keys",
  {
    kind: text("kind").notNull(),
    key: text("key").notNull(),
    contactId: text("contact_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.key, t.contactId] }), index("duplicate_keys_contact_idx").on(t.contactId)],
);

/**
 * The pairs of contacts that share a key (both in a group of at most 10: a key shared by more is
 * a shared mailbox, not a person), and each pair's score (the reasons' weights summed), kept by
 * triggers (migration 0015) so a page of suggestions is an index walk from the strongest. They
 * replace 0014's per-key counts, which made every request build all pairs.
 */
export const duplicatePairs = sqliteTable(
  "duplicate_pairs",
  {
    contactA: text("contact_a").notNull(),
    contactB: text("contact_b").notNull(),
    kind: text("kind").notNull(),
    key: text("key").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.contactA, t.contactB, t.kind, t.key] }),
    index("duplicate_pairs_key_idx").on(t.kind, t.key),
    index("duplicate_pairs_b_idx").on(t.contactB),
  ],
);

export const duplicatePairScores = sqliteTable(
  "duplicate_pair_scores",
  {
    contactA: text("contact_a").notNull(),
    contactB: text("contact_b").notNull(),
    score: integer("score").notNull(),
  },
  (t) => [primaryKey({ columns: [t.contactA, t.contactB] }), index("duplicate_pair_scores_idx").on(t.score, t.contactA, t.contactB)],
);

/** Pairs a person said are not the same (contact_a < contact_b): never suggested again. */
export const duplicateDismissals = sqliteTable(
  "duplicate_dismissals",
  {
    contactA: text("contact_a").notNull(),
    contactB: text("contact_b").notNull(),
    byName: text("by_name"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.contactA, t.contactB] })],
);
