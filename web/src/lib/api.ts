import { hc, type InferRequestType, type InferResponseType } from "hono/client";
import type { AppType } from "../../../worker/app";
import { type Filters, filtersJson } from "./filters";

// The only module that talks to the server: pages and their state call these functions, never
// fetch. Types come from the Worker's zod schemas through Hono's typed client.
const api = hc<AppType>("/").api;
const contact = api.contacts[":id"];
const notes = contact.notes;
const phones = api.contacts[":contact_id"].phones;
const emails = api.contacts[":contact_id"].emails;
const addresses = api.contacts[":contact_id"].addresses;

type Query<R extends (...args: never[]) => unknown> = NonNullable<InferRequestType<R> extends { query?: infer Q } ? Q : never>;

export type Me = InferResponseType<typeof api.me.$get, 200>;
export type Settings = InferResponseType<typeof api.settings.$get, 200>;
export type SettingsUpdate = InferRequestType<typeof api.settings.$put>["json"];
export type Consent = InferResponseType<(typeof api.contacts)[":id"]["consent"]["$get"], 200>;
export type ConsentEntry = Consent["history"][number];
export type ConsentInput = InferRequestType<(typeof api.contacts)[":id"]["consent"]["$post"]>["json"];
export type OutboundCheck = InferResponseType<typeof api.outbound.check.$post, 200>;
export type ContactPage = InferResponseType<typeof api.contacts.list.$get, 200>;
export type Contact = ContactPage["contacts"][number];
export type ContactInput = InferRequestType<typeof api.contacts.$post>["json"];
export type Sort = NonNullable<Query<typeof api.contacts.list.$get>["sort"]>;
export type ContactDetail = InferResponseType<typeof contact.$get, 200>;
export type ContactUpdate = InferRequestType<typeof contact.$put>["json"];
export type ContactStatus = ContactDetail["status"];
export type Phone = ContactDetail["phones"][number];
export type Email = ContactDetail["emails"][number];
export type Address = ContactDetail["addresses"][number];
export type AssignedUser = ContactDetail["assigned_users"][number];
export type PhoneInput = InferRequestType<typeof phones.$post>["json"];
export type EmailInput = InferRequestType<typeof emails.$post>["json"];
export type AddressInput = InferRequestType<typeof addresses.$post>["json"];
export type Tag = InferResponseType<typeof api.tags.$get, 200>[number];
export type TagInput = InferRequestType<typeof api.tags.$post>["json"];
export type Member = InferResponseType<typeof api.members.$get, 200>[number];
export type ApiKey = InferResponseType<(typeof api)["api-keys"]["$get"], 200>[number];
export type CreatedApiKey = InferResponseType<(typeof api)["api-keys"]["$post"], 201>;
export type PhoneLine = InferResponseType<(typeof api)["phone-lines"]["$get"], 200>[number];
export type BlockedNumber = InferResponseType<(typeof api)["blocked-numbers"]["$get"], 200>[number];
export type PhoneLineInput = InferRequestType<(typeof api)["phone-lines"]["$post"]>["json"];
export type Integration = InferResponseType<typeof api.integrations.$get, 200>[number];
export type IntegrationInput = InferRequestType<typeof api.integrations.$post>["json"];
export type WebhookEndpoint = InferResponseType<typeof api.webhooks.$get, 200>[number];
export type CreatedWebhookEndpoint = InferResponseType<typeof api.webhooks.$post, 201>;
export type WebhookEndpointInput = InferRequestType<typeof api.webhooks.$post>["json"];
export type WebhookEndpointUpdate = InferRequestType<(typeof api.webhooks)[":id"]["$put"]>["json"];
export type WebhookDeliveryPage = InferResponseType<(typeof api.webhooks)[":id"]["deliveries"]["$get"], 200>;
export type WebhookDelivery = WebhookDeliveryPage["data"][number];
export type AssignmentPage = InferResponseType<typeof api.contacts.assignments.$get, 200>;
export type ContactAssignment = AssignmentPage["contacts"][number];
export type CallDetails = InferResponseType<(typeof contact)["calls"]["$get"], 200>[number];
export type Todo = InferResponseType<(typeof contact)["todos"]["$get"], 200>[number];
export type TodoStatus = Todo["status"];
export type NotePage = InferResponseType<typeof notes.$get, 200>;
export type Note = NotePage["notes"][number];
export type NoteArea = Note["area"];
export type NoteSort = NonNullable<Query<typeof notes.$get>["sort"]>;
export type ActivityPage = InferResponseType<(typeof contact)["activity"]["$get"], 200>;
export type ActivityItem = ActivityPage["items"][number];
export type ActivityKind = NonNullable<Query<(typeof contact)["activity"]["$get"]>["kind"]>;
export type Memory = InferResponseType<(typeof contact)["memory"]["$get"], 200>;
export type FeedPage = InferResponseType<(typeof contact)["feed"]["$get"], 200>;
export type FeedItem = FeedPage["items"][number];
export type FeedKind = NonNullable<Query<(typeof contact)["feed"]["$get"]>["kind"]>;
export type Message = InferResponseType<(typeof contact)["messages"]["$post"], 202>;
export type ReplySuggestions = InferResponseType<(typeof api.messages)[":id"]["suggestions"]["$post"], 200>;

export interface FieldError {
  field: string;
  message: string;
}

/** A failed request, with a message fit to show to a person. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
    readonly fieldErrors: FieldError[] = [],
    /** The whole error body, for extra members such as a 409's `contact_id`. */
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** A 409 for a phone number another contact has: that contact's id. */
  get numberOwner(): string | null {
    return this.status === 409 && typeof this.body.contact_id === "string" ? this.body.contact_id : null;
  }

  /** A 404 for a contact merged into another: the contact it lives on as. */
  get mergedInto(): string | null {
    return this.status === 404 && typeof this.body.merged_into === "string" ? this.body.merged_into : null;
  }

  /** A 404 for a contact in the trash (restorable for 30 days). */
  get inTrash(): boolean {
    return this.status === 404 && this.body.in_trash === true;
  }

  /** A 409 for an undo the contact's later changes block: what changed, in words. */
  get blockedBy(): string[] {
    return this.status === 409 && Array.isArray(this.body.blocked_by) ? this.body.blocked_by.filter((b): b is string => typeof b === "string") : [];
  }
}

const FALLBACK: Record<number, string> = {
  401: "Sign in to continue.",
  403: "You are not allowed to do this.",
  404: "Not found.",
  429: "Too many attempts. Wait a minute and try again.",
};

interface AnyResponse {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}

// Our API answers application/problem+json ({detail}); better-auth answers {code, message}.
async function toApiError(res: AnyResponse): Promise<ApiError> {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = await res.json();
    if (parsed && typeof parsed === "object") body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's error page, say): fall back to a message for the status.
  }
  const text = (v: unknown) => (typeof v === "string" && v.trim() ? v : null);
  const message =
    text(body.detail) ??
    text(body.message) ??
    FALLBACK[res.status] ??
    (res.status >= 500 ? "Something went wrong on our side. Try again." : "The request failed. Try again.");
  const errors = Array.isArray(body.errors) ? (body.errors as FieldError[]) : [];
  return new ApiError(res.status, message, text(body.code), errors, body);
}

async function send(request: () => Promise<AnyResponse>): Promise<AnyResponse> {
  let res: AnyResponse;
  try {
    res = await request();
  } catch (e) {
    if (isAborted(e)) throw e;
    throw new ApiError(0, "Cannot reach the server. Check your connection and try again.");
  }
  if (!res.ok) throw await toApiError(res);
  return res;
}

/** The body of a successful answer, as the route's schema says it is. */
const read = async <T>(request: () => Promise<AnyResponse>): Promise<T> => (await (await send(request)).json()) as T;

/** A request superseded by a newer one (a search typed further): callers ignore it. */
export const isAborted = (e: unknown) => e instanceof DOMException && e.name === "AbortError";

/** The words to show for anything a call here threw. */
export const errorMessage = (e: unknown) =>
  e instanceof Error && e.message ? e.message : "Something went wrong. Try again.";

/** "/api/contacts/{id}/phones/{phone_id}" from its segments, each one encoded. */
const path = (...segments: string[]) => `/api/${segments.map(encodeURIComponent).join("/")}` as const;

/**
 * Routes that answer 204 only (deletes, assign, tag) are missing from AppType: worker/http/openapi.ts
 * declares `noContent` with `as const`, which @hono/zod-openapi types as `never`, so `hc` drops
 * them. Until that is fixed they go through this one call, built from the same paths.
 */
async function sendNoContent(method: "POST" | "DELETE", to: `/api/${string}`, json?: object): Promise<void> {
  const body = json ? { body: JSON.stringify(json), headers: { "content-type": "application/json" } } : {};
  await send(() => fetch(to, { method, credentials: "same-origin", ...body }));
}

// better-auth's routes are not part of AppType either.
const authPost = <T>(route: string, body: object) =>
  read<T>(() =>
    fetch(`/api/auth${route}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    }),
  );

const authGet = <T>(route: string, query: Record<string, string> = {}) => {
  const search = new URLSearchParams(query).toString();
  return read<T>(() => fetch(`/api/auth${route}${search ? `?${search}` : ""}`, { credentials: "same-origin" }));
};

// ---- Session and organization -------------------------------------------------------------

export const getMe = () => read<Me>(() => api.me.$get());

export const signUp = (input: { name: string; email: string; password: string }) =>
  authPost<unknown>("/sign-up/email", input);

export const signIn = (input: { email: string; password: string }) =>
  authPost<unknown>("/sign-in/email", input);

export const signOut = () => authPost<unknown>("/sign-out", {});

export const createOrganization = (input: { name: string; slug: string }) =>
  authPost<{ id: string; name: string; slug: string }>("/organization/create", input);

export const setActiveOrganization = (organizationId: string) =>
  authPost<unknown>("/organization/set-active", { organizationId });

export const updateSettings = (input: SettingsUpdate) => read<Settings>(() => api.settings.$put({ json: input }));

// ---- Members and invitations (better-auth's organization plugin) ---------------------------

export type Role = "owner" | "admin" | "member";

export interface Invitation {
  id: string;
  email: string;
  role: string;
  status: "pending" | "accepted" | "rejected" | "canceled";
  organizationId: string;
  expiresAt: string;
}

/** What the invitee sees before accepting. */
export interface InvitationDetails extends Invitation {
  organizationName: string;
  inviterEmail: string;
}

export const listMembers = () => read<Member[]>(() => api.members.$get());

export const inviteMember = (input: { email: string; role: Role }) =>
  authPost<Invitation>("/organization/invite-member", input);

export const updateMemberRole = (memberId: string, role: Role) =>
  authPost<unknown>("/organization/update-member-role", { memberId, role });

export const removeMember = (memberId: string) =>
  authPost<unknown>("/organization/remove-member", { memberIdOrEmail: memberId });

export const listInvitations = () => authGet<Invitation[]>("/organization/list-invitations");

export const cancelInvitation = (invitationId: string) =>
  authPost<unknown>("/organization/cancel-invitation", { invitationId });

export const getInvitation = (id: string) => authGet<InvitationDetails>("/organization/get-invitation", { id });

export const acceptInvitation = (invitationId: string) =>
  authPost<{ invitation: Invitation }>("/organization/accept-invitation", { invitationId });

// ---- Contacts ----------------------------------------------------------------------------

export interface ListQuery {
  search: string;
  sort: Sort;
  tagIds: string[];
  /** The list's other filters, as the URL and the API spell them (lib/filters.ts). */
  filters?: Filters;
  /** 0-based, as the API counts. */
  page: number;
  pageSize?: number;
}

/** What selects the list's contacts (search, tags, filters, sort): the list's query and the export's. */
const selection = (q: ListQuery) => ({
  sort: q.sort,
  ...(q.search.trim() && { search: q.search.trim() }),
  ...(q.tagIds.length && { tag_ids: q.tagIds.join(",") }),
  ...q.filters,
});

/** The same selection as JSON: a bulk change's `matching`. */
export const selectionJson = (q: ListQuery) => ({
  sort: q.sort,
  ...(q.search.trim() && { search: q.search.trim() }),
  tag_ids: q.tagIds,
  ...filtersJson(q.filters ?? {}),
});
const listParams = (q: ListQuery) => ({ ...selection(q), page: String(q.page), page_size: String(q.pageSize ?? 25) });

/** Every contact the list selects, as CSV (admins): a link to download. */
export const contactsCsvUrl = (q: ListQuery) => `/api/contacts/export.csv?${new URLSearchParams(selection(q))}`;

export const listContacts = (q: ListQuery, signal?: AbortSignal) =>
  read<ContactPage>(() => api.contacts.list.$get({ query: listParams(q) }, { init: { signal } }));

/** Exactly how many contacts the list selects (when its page gave an estimate). */
export const countContacts = async (q: ListQuery) =>
  (await read<ContactPage>(() => api.contacts.list.$get({ query: { ...selection(q), page: "0", page_size: "1", exact_count: "true" } }))).total_count;

export type ContactFacets = InferResponseType<typeof api.contacts.facets.$get, 200>;
/** How many contacts have each status, stage and source: the filter menus. */
export const getFacets = () => read<ContactFacets>(() => api.contacts.facets.$get());

export const createContact = (input: ContactInput) => read<Contact>(() => api.contacts.$post({ json: input }));

export const getContact = (id: string) => read<ContactDetail>(() => contact.$get({ param: { id } }));

export const updateContact = (id: string, json: ContactUpdate) => read<ContactDetail>(() => contact.$put({ param: { id }, json }));

export const deleteContact = (id: string) => sendNoContent("DELETE", path("contacts", id));

/** Adding, changing, preferring and removing one kind of a contact's phones, emails or addresses. */
export interface ChannelCalls<I> {
  add(contactId: string, input: I): Promise<unknown>;
  update(contactId: string, id: string, input: Partial<I>): Promise<unknown>;
  prefer(contactId: string, id: string): Promise<unknown>;
  remove(contactId: string, id: string): Promise<void>;
}

function channelCalls<I>(
  resource: "phones" | "emails" | "addresses",
  post: (contact_id: string, json: I) => Promise<AnyResponse>,
  put: (contact_id: string, id: string, json: Partial<I>) => Promise<AnyResponse>,
  preferred: Partial<I>,
): ChannelCalls<I> {
  return {
    add: (contactId, input) => read(() => post(contactId, input)),
    update: (contactId, id, input) => read(() => put(contactId, id, input)),
    prefer: (contactId, id) => read(() => put(contactId, id, preferred)),
    remove: (contactId, id) => sendNoContent("DELETE", path("contacts", contactId, resource, id)),
  };
}

// A phone number another contact has is a 409 whose ApiError names that contact (numberOwner).
export const phoneCalls = channelCalls<PhoneInput>("phones", (contact_id, json) => phones.$post({ param: { contact_id }, json }),
  (contact_id, phone_id, json) => phones[":phone_id"].$put({ param: { contact_id, phone_id }, json }), { is_preferred: true });

export const emailCalls = channelCalls<EmailInput>("emails", (contact_id, json) => emails.$post({ param: { contact_id }, json }),
  (contact_id, email_id, json) => emails[":email_id"].$put({ param: { contact_id, email_id }, json }), { is_preferred: true });

export const addressCalls = channelCalls<AddressInput>("addresses", (contact_id, json) => addresses.$post({ param: { contact_id }, json }),
  (contact_id, address_id, json) => addresses[":address_id"].$put({ param: { contact_id, address_id }, json }), { is_primary: true });

export const addTag = (contactId: string, tagId: string) => sendNoContent("POST", path("contacts", contactId, "tags", tagId));

export const removeTag = (contactId: string, tagId: string) => sendNoContent("DELETE", path("contacts", contactId, "tags", tagId));

// ---- A contact's calls, messages, memory, todos, notes and activity ------------------------

/** Calls and messages merged, newest first; `cursor` continues after the previous page. */
export const listFeed = (id: string, kind: FeedKind, cursor: string | null, limit = 30) =>
  read<FeedPage>(() => contact.feed.$get({ param: { id }, query: { kind, limit: String(limit), ...(cursor && { cursor }) } }));

/** Queues a text to the contact's preferred phone (202); 409 in words for do-not-contact, no phone or no line. */
export const sendMessage = (id: string, body: string) => read<Message>(() => contact.messages.$post({ param: { id }, json: { body } }));

export const suggestReplies = (messageId: string) =>
  read<ReplySuggestions>(() => api.messages[":id"].suggestions.$post({ param: { id: messageId } }));

export const getMemory = (id: string) => read<Memory>(() => contact.memory.$get({ param: { id } }));

// ---- Privacy requests (admin): a person's data, and erasure for good ----
export const contactExportUrl = (id: string) => path("contacts", id, "export");
export const eraseContact = (id: string) => read<{ erasure_id: string; counts: Record<string, number> }>(() => contact.erase.$post({ param: { id } }));
export const getConsent = (id: string) => read<Consent>(() => contact.consent.$get({ param: { id } }));

export const recordConsent = (id: string, input: ConsentInput) => read<Consent>(() => contact.consent.$post({ param: { id }, json: input }));

/** The outbound gate: may the contact be texted (or called) now, and if not, why, in words. */
export const checkOutbound = (contactId: string, channel: "sms" | "voice") =>
  read<OutboundCheck>(() => api.outbound.check.$post({ json: { contact_id: contactId, channel } }));

export const listTodos = (id: string) => read<Todo[]>(() => contact.todos.$get({ param: { id } }));

export const setTodoStatus = (id: string, status: TodoStatus) =>
  read<Todo>(() => api.todos[":id"].$put({ param: { id }, json: { status } }));

export const listNotes = (id: string, query: { search: string; area: NoteArea | "all"; sort: NoteSort; page: number }) =>
  read<NotePage>(() =>
    notes.$get({
      param: { id },
      query: {
        ...(query.search && { search: query.search }),
        area: query.area,
        sort: query.sort,
        page: String(query.page),
        page_size: "25",
      },
    }),
  );

export const createNote = (id: string, body: string) => read<Note>(() => notes.$post({ param: { id }, json: { body, area: "manual" } }));

export const updateNote = (id: string, body: string) => read<Note>(() => api.notes[":id"].$put({ param: { id }, json: { body } }));

export const deleteNote = (id: string) => sendNoContent("DELETE", path("notes", id));

export const listActivity = (id: string, kind: ActivityKind, cursor: string | null) =>
  read<ActivityPage>(() => contact.activity.$get({ param: { id }, query: { kind, limit: "30", ...(cursor && { cursor }) } }));

// ---- Tags ----------------------------------------------------------------------------------

export const listTags = () => read<Tag[]>(() => api.tags.$get());

export const createTag = (input: TagInput) => read<Tag>(() => api.tags.$post({ json: input }));

export const updateTag = (id: string, input: Partial<TagInput>) => read<Tag>(() => api.tags[":id"].$put({ param: { id }, json: input }));

export const deleteTag = (id: string) => sendNoContent("DELETE", path("tags", id));

// ---- API keys ------------------------------------------------------------------------------

export const listApiKeys = () => read<ApiKey[]>(() => api["api-keys"].$get());

export const createApiKey = (name: string) => read<CreatedApiKey>(() => api["api-keys"].$post({ json: { name } }));

export const revokeApiKey = (id: string) => sendNoContent("DELETE", path("api-keys", id));

// ---- Phone lines: the organization's own numbers; texts go out from the first one ----------

export const listPhoneLines = () => read<PhoneLine[]>(() => api["phone-lines"].$get());

export const createPhoneLine = (input: PhoneLineInput) => read<PhoneLine>(() => api["phone-lines"].$post({ json: input }));

export const deletePhoneLine = (id: string) => sendNoContent("DELETE", path("phone-lines", id));

// ---- Blocked numbers: calls and texts from them create nothing ----------------------------

export const listBlockedNumbers = () => read<BlockedNumber[]>(() => api["blocked-numbers"].$get());

export const blockNumber = (input: { phone_number: string; reason?: string }) => read<BlockedNumber>(() => api["blocked-numbers"].$post({ json: input }));

export const unblockNumber = (id: string) => sendNoContent("DELETE", path("blocked-numbers", id));

// ---- Voice platforms (Retell, Vapi): their webhooks reach /api/integrations/{provider}/{id} --

export const listIntegrations = () => read<Integration[]>(() => api.integrations.$get());

export const createIntegration = (input: IntegrationInput) => read<Integration>(() => api.integrations.$post({ json: input }));

export const deleteIntegration = (id: string) => sendNoContent("DELETE", path("integrations", id));

// ---- Outgoing webhooks (Standard Webhooks): endpoints, their delivery log ----------------

export const listWebhooks = () => read<WebhookEndpoint[]>(() => api.webhooks.$get());

export const createWebhook = (input: WebhookEndpointInput) => read<CreatedWebhookEndpoint>(() => api.webhooks.$post({ json: input }));

export const updateWebhook = (id: string, input: WebhookEndpointUpdate) => read<WebhookEndpoint>(() => api.webhooks[":id"].$put({ param: { id }, json: input }));

export const deleteWebhook = (id: string) => sendNoContent("DELETE", path("webhooks", id));

export const sendTestWebhook = (id: string) => read<{ event_id: string }>(() => api.webhooks[":id"].test.$post({ param: { id } }));

export const listWebhookDeliveries = (id: string, cursor?: string) =>
  read<WebhookDeliveryPage>(() => api.webhooks[":id"].deliveries.$get({ param: { id }, query: { limit: "20", ...(cursor ? { cursor } : {}) } }));

export const redeliverWebhook = (id: string, deliveryId: string) =>
  read<{ id: string }>(() => api.webhooks[":id"].deliveries[":delivery_id"].redeliver.$post({ param: { id, delivery_id: deliveryId } }));

// ---- Assignments ---------------------------------------------------------------------------

/** "all", "unassigned" or a member id. */
export type MemberFilter = string;

export const listAssignments = (q: ListQuery & { memberFilter: MemberFilter }, signal?: AbortSignal) =>
  read<AssignmentPage>(() =>
    api.contacts.assignments.$get({ query: { ...listParams(q), member_filter: q.memberFilter } }, { init: { signal } }),
  );

export const assignMember = (contactId: string, memberId: string) =>
  sendNoContent("POST", path("contacts", contactId, "members", memberId));

export const unassignMember = (contactId: string, memberId: string) =>
  sendNoContent("DELETE", path("contacts", contactId, "members", memberId));

// ---- Backups --------------------------------------------------------------------------------

/** GET /api/export: the whole organization as one NDJSON file (a link the browser downloads). */
export const EXPORT_URL = "/api/export";

export interface RestoreResult {
  restored: Record<string, number>;
}

/** Restores a backup (a file GET /api/export wrote) into this organization, which must have no data. */
export const restoreBackup = (file: Blob) =>
  read<RestoreResult>(() =>
    fetch("/api/restore", { method: "POST", body: file, headers: { "content-type": "application/x-ndjson" }, credentials: "same-origin" }),
  );

// ---- CSV imports ----------------------------------------------------------------------------

const imports = api.imports;
export type Import = InferResponseType<typeof imports.$get, 200>[number];
export type ImportField = NonNullable<Import["mapping"][number]>;
export type ImportPolicy = Import["policy"];
export type ImportPreview = InferResponseType<(typeof imports)[":id"]["preview"]["$get"], 200>;
export type ImportPreviewRow = ImportPreview["rows"][number];

/** Uploads a CSV file: a draft import with its columns mapped from their headers. */
export const uploadImport = (file: File) =>
  read<Import>(() =>
    fetch(`/api/imports?filename=${encodeURIComponent(file.name)}`, { method: "POST", body: file, headers: { "content-type": "text/csv" }, credentials: "same-origin" }),
  );
export const listImports = () => read<Import[]>(() => imports.$get());
/** Deletes a finished import with its failed rows (the contacts it wrote stay). */
export const deleteImport = (id: string) => sendNoContent("DELETE", path("imports", id));
export const getImport = (id: string, signal?: AbortSignal) => read<Import>(() => imports[":id"].$get({ param: { id } }, { init: { signal } }));
export const updateImport = (id: string, patch: { mapping?: (ImportField | null)[]; policy?: ImportPolicy }) =>
  read<Import>(() => imports[":id"].$put({ param: { id }, json: patch }));
export const previewImport = (id: string, policy: ImportPolicy, signal?: AbortSignal) =>
  read<ImportPreview>(() => imports[":id"].preview.$get({ param: { id }, query: { policy } }, { init: { signal } }));
export const startImport = (id: string, patch: { mapping?: (ImportField | null)[]; policy?: ImportPolicy }) =>
  read<Import>(() => imports[":id"].start.$post({ param: { id }, json: patch }));
export const cancelImport = (id: string) => read<Import>(() => imports[":id"].cancel.$post({ param: { id } }));
/** The failed rows with their reasons (a link the browser downloads). */
export const importErrorsUrl = (id: string) => `${path("imports", id)}/errors.csv`;

// ---- Saved views ----------------------------------------------------------------------------

export type SavedView = InferResponseType<typeof api.views.$get, 200>[number];
export type ViewInput = InferRequestType<typeof api.views.$post>["json"];

export const listViews = () => read<SavedView[]>(() => api.views.$get());
export const createView = (input: ViewInput) => read<SavedView>(() => api.views.$post({ json: input }));
export const updateView = (id: string, input: Partial<ViewInput>) => read<SavedView>(() => api.views[":id"].$put({ param: { id }, json: input }));
export const deleteView = (id: string) => sendNoContent("DELETE", path("views", id));

/** What a view selects, from the list's state (the URL): only what differs from the defaults. */
export function viewQuery(q: ListQuery, defaultSort: Sort): ViewInput["query"] {
  return {
    ...(q.search.trim() ? { search: q.search.trim() } : {}),
    ...(q.tagIds.length ? { tag_ids: q.tagIds } : {}),
    ...filtersJson(q.filters ?? {}),
    ...(q.sort !== defaultSort ? { sort: q.sort } : {}),
  } as ViewInput["query"];
}

// ---- Bulk changes ---------------------------------------------------------------------------

export type BulkInput = InferRequestType<typeof api.contacts.bulk.$post>["json"];
export type BulkAction = BulkInput["action"];
export type BulkJob = InferResponseType<typeof api.contacts.bulk.$post, 200>;

export const bulkChange = (input: BulkInput) => read<BulkJob>(() => api.contacts.bulk.$post({ json: input }));
export const getBulkJob = (id: string) => read<BulkJob>(() => api["bulk-jobs"][":id"].$get({ param: { id } }));

// ---- Trash: deleted contacts, restorable for 30 days -----------------------------------------

export type TrashPage = InferResponseType<typeof api.trash.$get, 200>;
export type TrashItem = TrashPage["items"][number];
export type Restored = InferResponseType<(typeof contact)["restore"]["$post"], 200>;

export const listTrash = (cursor: string | null, signal?: AbortSignal) =>
  read<TrashPage>(() => api.trash.$get({ query: { limit: "50", ...(cursor && { cursor }) } }, { init: { signal } }));

/** Brings a contact back from the trash; numbers another contact holds now stay there (phones_taken). */
export const restoreContact = (id: string) => read<Restored>(() => contact.restore.$post({ param: { id } }));

// ---- Merging contacts (admins) and duplicate suggestions -------------------------------------

export type MergeInput = InferRequestType<(typeof contact)["merge"]["$post"]>["json"];
export type MergeField = keyof NonNullable<MergeInput["fields"]>;
export type Merged = InferResponseType<(typeof contact)["merge"]["$post"], 200>;
export type Merge = InferResponseType<typeof api.merges.$get, 200>[number];
export type DuplicatePage = InferResponseType<typeof api.duplicates.$get, 200>;
export type DuplicatePair = DuplicatePage["items"][number];
export type DuplicateReason = DuplicatePair["reasons"][number];
export type ContactDuplicate = InferResponseType<(typeof contact)["duplicates"]["$get"], 200>[number];

/** Folds `others` into `survivorId`; `fields` names the contact whose value each chosen field takes. */
export const mergeContacts = (survivorId: string, others: string[], fields: MergeInput["fields"]) =>
  read<Merged>(() => contact.merge.$post({ param: { id: survivorId }, json: { contact_ids: others, fields } }));

/** Puts merged contacts back as they were (409 with `blockedBy` when the survivor changed since). */
export const undoMerge = (mergeId: string) =>
  read<InferResponseType<(typeof api.merges)[":id"]["undo"]["$post"], 200>>(() => api.merges[":id"].undo.$post({ param: { id: mergeId } }));

export const listMerges = (contactId: string) => read<Merge[]>(() => api.merges.$get({ query: { contact_id: contactId, limit: "5" } }));

export const listDuplicates = (cursor: string | null, limit = 25, signal?: AbortSignal) =>
  read<DuplicatePage>(() => api.duplicates.$get({ query: { limit: String(limit), ...(cursor && { cursor }) } }, { init: { signal } }));

export const contactDuplicates = (id: string) => read<ContactDuplicate[]>(() => contact.duplicates.$get({ param: { id } }));

/** "Not the same person": the pair is never suggested again. */
export const dismissDuplicate = (a: string, b: string) => sendNoContent("POST", path("duplicates", "dismiss"), { contact_ids: [a, b] });

/** How much of a contact's history a merge moves: calls, messages (up to 100 each, then "100+"), notes, todos. */
export async function historyCounts(id: string) {
  const page = (kind: "calls" | "messages") => read<FeedPage>(() => contact.feed.$get({ param: { id }, query: { kind, limit: "100" } }));
  const [calls, messages, notePage, todos] = await Promise.all([
    page("calls"),
    page("messages"),
    read<NotePage>(() => notes.$get({ param: { id }, query: { page_size: "1" } })),
    listTodos(id),
  ]);
  return {
    calls: { n: calls.items.length, more: calls.next_cursor !== null },
    messages: { n: messages.items.length, more: messages.next_cursor !== null },
    notes: { n: notePage.total_count, more: false },
    todos: { n: todos.length, more: false },
  };
}
export type HistoryCounts = Awaited<ReturnType<typeof historyCounts>>;
