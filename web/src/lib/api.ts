import { hc, type InferRequestType, type InferResponseType } from "hono/client";
import type { AppType } from "../../../worker/app";

// The only module that talks to the server: components call these functions, never fetch.
export const client = hc<AppType>("/");

const api = client.api;

export type Me = InferResponseType<typeof api.me.$get, 200>;
export type ContactPage = InferResponseType<typeof api.contacts.list.$get, 200>;
export type Contact = ContactPage["contacts"][number];
export type ContactInput = InferRequestType<typeof api.contacts.$post>["json"];
export type Tag = InferResponseType<typeof api.tags.$get, 200>[number];
export type TagInput = InferRequestType<typeof api.tags.$post>["json"];
export type Member = InferResponseType<typeof api.members.$get, 200>[number];
export type ApiKey = InferResponseType<(typeof api)["api-keys"]["$get"], 200>[number];
export type CreatedApiKey = InferResponseType<(typeof api)["api-keys"]["$post"], 201>;
export type PhoneLine = InferResponseType<(typeof api)["phone-lines"]["$get"], 200>[number];
export type PhoneLineInput = InferRequestType<(typeof api)["phone-lines"]["$post"]>["json"];
export type Settings = InferResponseType<typeof api.settings.$get, 200>;
export type AssignmentPage = InferResponseType<typeof api.contacts.assignments.$get, 200>;
export type ContactAssignment = AssignmentPage["contacts"][number];
export type BulkAssignResult = InferResponseType<typeof api.contacts.assignments.bulk.$post, 200>;
export type Sort = NonNullable<NonNullable<InferRequestType<typeof api.contacts.list.$get>["query"]>["sort"]>;

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

export async function send<R extends AnyResponse>(request: () => Promise<R>): Promise<R> {
  let res: R;
  try {
    res = await request();
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError(0, "Cannot reach the server. Check your connection and try again.");
  }
  if (!res.ok) throw await toApiError(res);
  return res;
}

/** A request superseded by a newer one (a search typed further): callers ignore it. */
export const isAborted = (e: unknown) => e instanceof DOMException && e.name === "AbortError";

async function authPost<T>(path: string, body: object): Promise<T> {
  const res = await send(() =>
    fetch(`/api/auth${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    }),
  );
  return (await res.json()) as T;
}

async function authGet<T>(path: string, query: Record<string, string> = {}): Promise<T> {
  const search = new URLSearchParams(query).toString();
  const res = await send(() => fetch(`/api/auth${path}${search ? `?${search}` : ""}`, { credentials: "same-origin" }));
  return (await res.json()) as T;
}

/**
 * Routes that answer 204 only (deletes, assign, tag) are missing from AppType: worker/http/openapi.ts
 * declares `noContent` with `as const`, which @hono/zod-openapi types as `never`, so `hc` drops
 * them. Until that is fixed they go through this one call, built from the same paths.
 */
export async function sendNoContent(method: "POST" | "DELETE", path: `/api/${string}`): Promise<void> {
  await send(() => fetch(path, { method, credentials: "same-origin" }));
}

const json = async <T>(res: { json(): Promise<unknown> }) => (await res.json()) as T;

// ---- Session and organization -------------------------------------------------------------

export async function getMe(): Promise<Me> {
  return json<Me>(await send(() => api.me.$get()));
}

export const signUp = (input: { name: string; email: string; password: string }) =>
  authPost<unknown>("/sign-up/email", input);

export const signIn = (input: { email: string; password: string }) =>
  authPost<unknown>("/sign-in/email", input);

export const signOut = () => authPost<unknown>("/sign-out", {});

export const createOrganization = (input: { name: string; slug: string }) =>
  authPost<{ id: string; name: string; slug: string }>("/organization/create", input);

export const setActiveOrganization = (organizationId: string) =>
  authPost<unknown>("/organization/set-active", { organizationId });

export async function getSettings(): Promise<Settings> {
  return json<Settings>(await send(() => api.settings.$get()));
}

export async function updateSettings(input: Settings): Promise<Settings> {
  return json<Settings>(await send(() => api.settings.$put({ json: input })));
}

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

export async function listMembers(): Promise<Member[]> {
  return json<Member[]>(await send(() => api.members.$get()));
}

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
  /** 0-based, as the API counts. */
  page: number;
  pageSize?: number;
}

const listParams = (q: ListQuery) => ({
  sort: q.sort,
  page: String(q.page),
  page_size: String(q.pageSize ?? 25),
  ...(q.search.trim() && { search: q.search.trim() }),
  ...(q.tagIds.length && { tag_ids: q.tagIds.join(",") }),
});

export async function listContacts(q: ListQuery, signal?: AbortSignal): Promise<ContactPage> {
  return json<ContactPage>(await send(() => api.contacts.list.$get({ query: listParams(q) }, { init: { signal } })));
}

export async function createContact(input: ContactInput): Promise<Contact> {
  return json<Contact>(await send(() => api.contacts.$post({ json: input })));
}

// ---- Tags ----------------------------------------------------------------------------------

export async function listTags(): Promise<Tag[]> {
  return json<Tag[]>(await send(() => api.tags.$get()));
}

export async function createTag(input: TagInput): Promise<Tag> {
  return json<Tag>(await send(() => api.tags.$post({ json: input })));
}

export async function updateTag(id: string, input: Partial<TagInput>): Promise<Tag> {
  return json<Tag>(await send(() => api.tags[":id"].$put({ param: { id }, json: input })));
}

export async function deleteTag(id: string): Promise<void> {
  await sendNoContent("DELETE", `/api/tags/${encodeURIComponent(id)}`);
}

// ---- API keys ------------------------------------------------------------------------------

export async function listApiKeys(): Promise<ApiKey[]> {
  return json<ApiKey[]>(await send(() => api["api-keys"].$get()));
}

export async function createApiKey(name: string): Promise<CreatedApiKey> {
  return json<CreatedApiKey>(await send(() => api["api-keys"].$post({ json: { name } })));
}

export async function revokeApiKey(id: string): Promise<void> {
  await sendNoContent("DELETE", `/api/api-keys/${encodeURIComponent(id)}`);
}

// ---- Phone lines -------------------------------------------------------------------------

export async function listPhoneLines(): Promise<PhoneLine[]> {
  return json<PhoneLine[]>(await send(() => api["phone-lines"].$get()));
}

export async function createPhoneLine(input: PhoneLineInput): Promise<PhoneLine> {
  return json<PhoneLine>(await send(() => api["phone-lines"].$post({ json: input })));
}

export async function deletePhoneLine(id: string): Promise<void> {
  await sendNoContent("DELETE", `/api/phone-lines/${encodeURIComponent(id)}`);
}

// ---- Assignments ---------------------------------------------------------------------------

/** "all", "unassigned" or a member id. */
export type MemberFilter = string;

export async function listAssignments(
  q: ListQuery & { memberFilter: MemberFilter },
  signal?: AbortSignal,
): Promise<AssignmentPage> {
  const query = { ...listParams(q), member_filter: q.memberFilter };
  return json<AssignmentPage>(await send(() => api.contacts.assignments.$get({ query }, { init: { signal } })));
}

const assignmentPath = (contactId: string, memberId: string) =>
  `/api/contacts/${encodeURIComponent(contactId)}/members/${encodeURIComponent(memberId)}` as const;

export async function assignMember(contactId: string, memberId: string): Promise<void> {
  await sendNoContent("POST", assignmentPath(contactId, memberId));
}

export async function unassignMember(contactId: string, memberId: string): Promise<void> {
  await sendNoContent("DELETE", assignmentPath(contactId, memberId));
}

export async function bulkAssign(contactIds: string[], memberId: string): Promise<BulkAssignResult> {
  return json<BulkAssignResult>(
    await send(() => api.contacts.assignments.bulk.$post({ json: { contact_ids: contactIds, member_id: memberId } })),
  );
}

/** The words to show for anything a call above threw. */
export const errorMessage = (e: unknown) =>
  e instanceof Error && e.message ? e.message : "Something went wrong. Try again.";

// ---- Backups --------------------------------------------------------------------------------

/** GET /api/export: the whole organization as one NDJSON file (a link the browser downloads). */
export const EXPORT_URL = "/api/export";

export interface RestoreResult {
  restored: Record<string, number>;
}

/** Restores a backup (a file GET /api/export wrote) into this organization, which must have no data. */
export async function restoreBackup(file: Blob): Promise<RestoreResult> {
  const res = await send(() =>
    fetch("/api/restore", { method: "POST", body: file, headers: { "content-type": "application/x-ndjson" }, credentials: "same-origin" }),
  );
  return (await res.json()) as RestoreResult;
}
