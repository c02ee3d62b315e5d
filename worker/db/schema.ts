import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

// ---------------------------------------------------------------------------
// better-auth tables (core + organization plugin + database rate limiting).
// Property names are what better-auth's Drizzle adapter expects; columns are snake_case.
// ---------------------------------------------------------------------------

const authTimestamp = (name: string) => integer(name, { mode: "timestamp_ms" });

export const user = sqliteTable("user", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull().unique(),
  emailVerified: integer("email_verified", { mode: "boolean" }).notNull().default(false),
  image: text("image"),
  createdAt: authTimestamp("created_at").notNull(),
  updatedAt: authTimestamp("updated_at").notNull(),
});

export const session = sqliteTable(
  "session",
  {
    id: text("id").primaryKey(),
    expiresAt: authTimestamp("expires_at").notNull(),
    token: text("token").notNull().unique(),
    createdAt: authTimestamp("created_at").notNull(),
    updatedAt: authTimestamp("updated_at").notNull(),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    activeOrganizationId: text("active_organization_id"),
  },
  (t) => [index("session_user_idx").on(t.userId)],
);

export const account = sqliteTable(
  "account",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    providerId: text("provider_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    accessToken: text("access_token"),
    refreshToken: text("refresh_token"),
    idToken: text("id_token"),
    accessTokenExpiresAt: authTimestamp("access_token_expires_at"),
    refreshTokenExpiresAt: authTimestamp("refresh_token_expires_at"),
    scope: text("scope"),
    password: text("password"),
    createdAt: authTimestamp("created_at").notNull(),
    updatedAt: authTimestamp("updated_at").notNull(),
  },
  (t) => [index("account_user_idx").on(t.userId)],
);

export const verification = sqliteTable(
  "verification",
  {
    id: text("id").primaryKey(),
    identifier: text("identifier").notNull(),
    value: text("value").notNull(),
    expiresAt: authTimestamp("expires_at").notNull(),
    createdAt: authTimestamp("created_at").notNull(),
    updatedAt: authTimestamp("updated_at").notNull(),
  },
  (t) => [index("verification_identifier_idx").on(t.identifier)],
);

export const rateLimit = sqliteTable("rate_limit", {
  id: text("id").primaryKey(),
  key: text("key").notNull().unique(),
  count: integer("count").notNull(),
  lastRequest: integer("last_request").notNull(),
});

export const organization = sqliteTable("organization", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  slug: text("slug").notNull().unique(),
  logo: text("logo"),
  createdAt: authTimestamp("created_at").notNull(),
  metadata: text("metadata"),
});

export const member = sqliteTable(
  "member",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    role: text("role").notNull().default("member"),
    createdAt: authTimestamp("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("member_org_user_uq").on(t.organizationId, t.userId),
    index("member_user_idx").on(t.userId),
  ],
);

export const invitation = sqliteTable(
  "invitation",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: text("role"),
    status: text("status").notNull().default("pending"),
    expiresAt: authTimestamp("expires_at").notNull(),
    createdAt: authTimestamp("created_at").notNull(),
    inviterId: text("inviter_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
  },
  (t) => [
    index("invitation_org_idx").on(t.organizationId),
    index("invitation_email_idx").on(t.email),
  ],
);

// ---------------------------------------------------------------------------
// Product tables. Every row carries organization_id; timestamps are ISO 8601 UTC text.
// ---------------------------------------------------------------------------

const id = () => text("id").primaryKey();
const orgId = () =>
  text("organization_id")
    .notNull()
    .references(() => organization.id, { onDelete: "cascade" });
const createdAt = () => text("created_at").notNull();
const updatedAt = () => text("updated_at").notNull();

export const organizationSettings = sqliteTable("organization_settings", {
  organizationId: text("organization_id")
    .primaryKey()
    .references(() => organization.id, { onDelete: "cascade" }),
  defaultRegion: text("default_region").notNull().default("US"),
  updatedAt: updatedAt(),
});

// Maintained by triggers (migrations/0001_contact_search.sql): unfiltered list totals are O(1).
export const organizationStats = sqliteTable("organization_stats", {
  organizationId: text("organization_id")
    .primaryKey()
    .references(() => organization.id, { onDelete: "cascade" }),
  contactCount: integer("contact_count").notNull().default(0),
  // Contacts with at least one assignee.
  assignedCount: integer("assigned_count").notNull().default(0),
});

export const CONTACT_STATUSES = ["active", "inactive", "do_not_contact", "archived"] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

export const contacts = sqliteTable(
  "contacts",
  {
    id: id(),
    organizationId: orgId(),
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
    index("contacts_org_created_idx").on(t.organizationId, t.createdAt, t.id),
    index("contacts_org_sort_name_idx").on(t.organizationId, t.sortName, t.id),
    index("contacts_org_last_contacted_idx").on(t.organizationId, t.lastContactedAt, t.id),
    index("contacts_org_status_idx").on(t.organizationId, t.status),
    index("contacts_org_external_idx").on(t.organizationId, t.externalId),
  ],
);

export const contactPhones = sqliteTable(
  "contact_phones",
  {
    id: id(),
    organizationId: orgId(),
    contactId: text("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    phoneNumber: text("phone_number").notNull(), // E.164
    // Digits of the E.164 number and of its national form, for search by any typed format.
    digits: text("digits").notNull(),
    nationalDigits: text("national_digits").notNull(),
    label: text("label"),
    isPreferred: integer("is_preferred", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("contact_phones_org_number_uq").on(t.organizationId, t.phoneNumber),
    index("contact_phones_contact_idx").on(t.contactId),
  ],
);

export const contactEmails = sqliteTable(
  "contact_emails",
  {
    id: id(),
    organizationId: orgId(),
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
    index("contact_emails_org_email_idx").on(t.organizationId, t.emailNormalized),
  ],
);

export const contactAddresses = sqliteTable(
  "contact_addresses",
  {
    id: id(),
    organizationId: orgId(),
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

export const tags = sqliteTable(
  "tags",
  {
    id: id(),
    organizationId: orgId(),
    name: text("name").notNull(),
    nameNormalized: text("name_normalized").notNull(),
    color: text("color").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("tags_org_name_uq").on(t.organizationId, t.nameNormalized)],
);

export const contactTags = sqliteTable(
  "contact_tags",
  {
    contactId: text("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    tagId: text("tag_id")
      .notNull()
      .references(() => tags.id, { onDelete: "cascade" }),
    organizationId: orgId(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.contactId, t.tagId] }),
    index("contact_tags_tag_idx").on(t.tagId, t.contactId),
  ],
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
      .references(() => member.id, { onDelete: "cascade" }),
    organizationId: orgId(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.contactId, t.memberId] }),
    index("contact_user_member_idx").on(t.memberId, t.contactId),
    index("contact_user_org_idx").on(t.organizationId, t.contactId),
  ],
);

// The organization's own numbers (the lines that take calls and send messages).
export const phoneLines = sqliteTable(
  "phone_lines",
  {
    id: id(),
    organizationId: orgId(),
    name: text("name").notNull(),
    phoneNumber: text("phone_number").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("phone_lines_org_number_uq").on(t.organizationId, t.phoneNumber)],
);

export const ENRICHMENT_STATUSES = [
  "pending",
  "running",
  "filled",
  "skipped",
  "rejected",
  "failed",
] as const;

export const calls = sqliteTable(
  "calls",
  {
    id: id(),
    organizationId: orgId(),
    contactId: text("contact_id").references(() => contacts.id, { onDelete: "cascade" }),
    phoneLineId: text("phone_line_id").references(() => phoneLines.id, { onDelete: "set null" }),
    externalId: text("external_id"),
    direction: text("direction", { enum: ["inbound", "outbound"] }).notNull().default("inbound"),
    callerPhone: text("caller_phone"),
    toPhone: text("to_phone"),
    startedAt: text("started_at").notNull(),
    endedAt: text("ended_at"),
    durationSeconds: integer("duration_seconds"),
    transcription: text("transcription"),
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
  (t) => [
    index("calls_contact_started_idx").on(t.contactId, t.startedAt),
    index("calls_org_started_idx").on(t.organizationId, t.startedAt),
    uniqueIndex("calls_org_external_uq").on(t.organizationId, t.externalId),
  ],
);

export const callAnalyses = sqliteTable(
  "call_analyses",
  {
    id: id(),
    organizationId: orgId(),
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
    organizationId: orgId(),
    contactId: text("contact_id").references(() => contacts.id, { onDelete: "cascade" }),
    callId: text("call_id").references(() => calls.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    description: text("description"),
    status: text("status", { enum: ["open", "done"] }).notNull().default("open"),
    dueAt: text("due_at"),
    assigneeMemberId: text("assignee_member_id").references(() => member.id, {
      onDelete: "set null",
    }),
    createdByUserId: text("created_by_user_id").references(() => user.id, {
      onDelete: "set null",
    }),
    completedAt: text("completed_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("todos_contact_created_idx").on(t.contactId, t.createdAt),
    index("todos_call_idx").on(t.callId),
  ],
);

export const NOTE_AREAS = ["manual", "call", "sms", "ai", "alert"] as const;

export const notes = sqliteTable(
  "notes",
  {
    id: id(),
    organizationId: orgId(),
    contactId: text("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    authorUserId: text("author_user_id").references(() => user.id, { onDelete: "set null" }),
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
    organizationId: orgId(),
    contactId: text("contact_id").references(() => contacts.id, { onDelete: "cascade" }),
    phoneLineId: text("phone_line_id").references(() => phoneLines.id, { onDelete: "set null" }),
    direction: text("direction", { enum: ["inbound", "outbound"] }).notNull(),
    fromPhone: text("from_phone").notNull(),
    toPhone: text("to_phone").notNull(),
    body: text("body").notNull().default(""),
    mediaUrls: text("media_urls", { mode: "json" }).$type<string[]>().notNull().default([]),
    status: text("status").notNull(),
    statusDetail: text("status_detail"),
    provider: text("provider"),
    providerMessageId: text("provider_message_id"),
    sentByUserId: text("sent_by_user_id").references(() => user.id, { onDelete: "set null" }),
    sentAt: text("sent_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("messages_contact_created_idx").on(t.contactId, t.createdAt),
    uniqueIndex("messages_org_provider_uq").on(t.organizationId, t.providerMessageId),
  ],
);

export const contactMemory = sqliteTable("contact_memory", {
  contactId: text("contact_id")
    .primaryKey()
    .references(() => contacts.id, { onDelete: "cascade" }),
  organizationId: orgId(),
  content: text("content").notNull(),
  sources: text("sources", { mode: "json" }).$type<string[]>().notNull().default([]),
  model: text("model"),
  updatedAt: updatedAt(),
});

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: id(),
    organizationId: orgId(),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull().unique(),
    createdByUserId: text("created_by_user_id").references(() => user.id, {
      onDelete: "set null",
    }),
    lastUsedAt: text("last_used_at"),
    createdAt: createdAt(),
  },
  (t) => [index("api_keys_org_idx").on(t.organizationId)],
);
