import type { InferRequestType, InferResponseType } from "hono/client";
import { ApiError, client, send } from "./api";

// The contact detail page's calls to the server. Types come from the Worker's zod schemas.

const contact = client.api.contacts[":id"];
const phones = client.api.contacts[":contact_id"].phones;
const emails = client.api.contacts[":contact_id"].emails;
const addresses = client.api.contacts[":contact_id"].addresses;
const notes = client.api.contacts[":id"].notes;

export type ContactDetail = InferResponseType<typeof contact.$get, 200>;
export type ContactUpdate = InferRequestType<typeof contact.$put>["json"];
export type ContactStatus = ContactDetail["status"];
export type Phone = ContactDetail["phones"][number];
export type Email = ContactDetail["emails"][number];
export type Address = ContactDetail["addresses"][number];
export type Tag = ContactDetail["tags"][number];
export type AssignedUser = ContactDetail["assigned_users"][number];
export type PhoneInput = InferRequestType<typeof phones.$post>["json"];
export type EmailInput = InferRequestType<typeof emails.$post>["json"];
export type AddressInput = InferRequestType<typeof addresses.$post>["json"];
export type CallDetails = InferResponseType<(typeof contact)["calls"]["$get"], 200>[number];
export type Todo = InferResponseType<(typeof contact)["todos"]["$get"], 200>[number];
export type TodoStatus = Todo["status"];
export type NotePage = InferResponseType<typeof notes.$get, 200>;
export type Note = NotePage["notes"][number];
export type NoteArea = Note["area"];
export type NoteQuery = NonNullable<InferRequestType<typeof notes.$get>["query"]>;
export type NoteSort = NonNullable<NoteQuery["sort"]>;
export type ActivityPage = InferResponseType<(typeof contact)["activity"]["$get"], 200>;
export type ActivityItem = ActivityPage["items"][number];
export type ActivityKind = "all" | "calls" | "notes" | "todos";
export type Memory = InferResponseType<(typeof contact)["memory"]["$get"], 200>;
export type FeedKind = "all" | "calls" | "messages";
export type FeedPage = InferResponseType<(typeof contact)["feed"]["$get"], 200>;
export type FeedItem = FeedPage["items"][number];
export type Message = InferResponseType<(typeof contact)["messages"]["$post"], 202>;
export type ReplySuggestions = InferResponseType<(typeof client.api.messages)[":id"]["suggestions"]["$post"], 200>;
export type PhoneLine = InferResponseType<(typeof client.api)["phone-lines"]["$get"], 200>[number];
export type Member = InferResponseType<typeof client.api.members.$get, 200>[number];

type NoContentCall = (args: { param: Record<string, string> }) => Promise<Response>;

/**
 * A route that answers only 204. hc's types leave these out (worker/http/openapi.ts declares
 * `noContent` with `as const`, which @hono/zod-openapi's typing drops), but its proxy builds
 * them like any other route, so only the type is supplied here.
 */
function noContentRoute(...segments: string[]): { $post: NoContentCall; $delete: NoContentCall } {
  let node: unknown = client.api;
  for (const segment of segments) node = (node as Record<string, unknown>)[segment];
  return node as { $post: NoContentCall; $delete: NoContentCall };
}

export async function getContact(id: string): Promise<ContactDetail> {
  const res = await send(() => contact.$get({ param: { id } }));
  return (await res.json()) as ContactDetail;
}

export async function updateContact(id: string, json: ContactUpdate): Promise<ContactDetail> {
  const res = await send(() => contact.$put({ param: { id }, json }));
  return (await res.json()) as ContactDetail;
}

export async function deleteContact(id: string): Promise<void> {
  await send(() => noContentRoute("contacts", ":id").$delete({ param: { id } }));
}

/** Calls and messages merged, newest first; `cursor` continues after the previous page. */
export async function listFeed(id: string, kind: FeedKind, cursor: string | null, limit = 30): Promise<FeedPage> {
  const res = await send(() => contact.feed.$get({ param: { id }, query: { kind, limit: String(limit), ...(cursor && { cursor }) } }));
  return (await res.json()) as FeedPage;
}

/** Queues a text to the contact's preferred phone (202); 409 in words for do-not-contact, no phone or no line. */
export async function sendMessage(id: string, body: string): Promise<Message> {
  const res = await send(() => contact.messages.$post({ param: { id }, json: { body } }));
  return (await res.json()) as Message;
}

export async function suggestReplies(messageId: string): Promise<ReplySuggestions> {
  const res = await send(() => client.api.messages[":id"].suggestions.$post({ param: { id: messageId } }));
  return (await res.json()) as ReplySuggestions;
}

/** The organization's own numbers: texts go out from the first one. */
export async function listPhoneLines(): Promise<PhoneLine[]> {
  const res = await send(() => client.api["phone-lines"].$get());
  return (await res.json()) as PhoneLine[];
}

export async function getMemory(id: string): Promise<Memory> {
  const res = await send(() => contact.memory.$get({ param: { id } }));
  return (await res.json()) as Memory;
}

export async function listTodos(id: string): Promise<Todo[]> {
  const res = await send(() => contact.todos.$get({ param: { id } }));
  return (await res.json()) as Todo[];
}

export async function setTodoStatus(id: string, status: TodoStatus): Promise<Todo> {
  const res = await send(() => client.api.todos[":id"].$put({ param: { id }, json: { status } }));
  return (await res.json()) as Todo;
}

export async function listNotes(
  id: string,
  query: { search: string; area: NoteArea | "all"; sort: NoteSort; page: number },
): Promise<NotePage> {
  const res = await send(() =>
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
  return (await res.json()) as NotePage;
}

export async function createNote(id: string, body: string): Promise<Note> {
  const res = await send(() => notes.$post({ param: { id }, json: { body, area: "manual" } }));
  return (await res.json()) as Note;
}

export async function updateNote(id: string, body: string): Promise<Note> {
  const res = await send(() => client.api.notes[":id"].$put({ param: { id }, json: { body } }));
  return (await res.json()) as Note;
}

export async function deleteNote(id: string): Promise<void> {
  await send(() => noContentRoute("notes", ":id").$delete({ param: { id } }));
}

export async function listActivity(id: string, kind: ActivityKind, cursor: string | null): Promise<ActivityPage> {
  const res = await send(() =>
    contact.activity.$get({ param: { id }, query: { kind, limit: "30", ...(cursor && { cursor }) } }),
  );
  return (await res.json()) as ActivityPage;
}

export async function listTags(): Promise<Tag[]> {
  const res = await send(() => client.api.tags.$get());
  return (await res.json()) as Tag[];
}

export async function createTag(name: string, color: string): Promise<Tag> {
  const res = await send(() => client.api.tags.$post({ json: { name, color } }));
  return (await res.json()) as Tag;
}

export async function addTag(id: string, tagId: string): Promise<void> {
  await send(() => noContentRoute("contacts", ":id", "tags", ":tag_id").$post({ param: { id, tag_id: tagId } }));
}

export async function removeTag(id: string, tagId: string): Promise<void> {
  await send(() => noContentRoute("contacts", ":id", "tags", ":tag_id").$delete({ param: { id, tag_id: tagId } }));
}

/** 409 on a phone number: another contact of the organization has it; `contactId` names that contact. */
export class PhoneConflictError extends ApiError {
  constructor(
    message: string,
    readonly contactId: string | null,
  ) {
    super(409, message);
  }
}

/** Like `send`, but a 409 keeps the problem's `contact_id`, so the page can link to the owner. */
async function sendPhone<R extends { ok: boolean; status: number; clone(): { json(): Promise<unknown> }; json(): Promise<unknown> }>(
  request: () => Promise<R>,
): Promise<R> {
  let owner: string | null = null;
  try {
    return await send(async () => {
      const res = await request();
      if (res.status === 409) {
        const body = (await res.clone().json().catch(() => null)) as { contact_id?: unknown } | null;
        if (typeof body?.contact_id === "string") owner = body.contact_id;
      }
      return res;
    });
  } catch (e) {
    if (e instanceof ApiError && e.status === 409) throw new PhoneConflictError(e.message, owner);
    throw e;
  }
}

export async function addPhone(contactId: string, json: PhoneInput): Promise<Phone> {
  const res = await sendPhone(() => phones.$post({ param: { contact_id: contactId }, json }));
  return (await res.json()) as Phone;
}

export async function updatePhone(contactId: string, phoneId: string, json: Partial<PhoneInput>): Promise<Phone> {
  const res = await sendPhone(() => phones[":phone_id"].$put({ param: { contact_id: contactId, phone_id: phoneId }, json }));
  return (await res.json()) as Phone;
}

export async function deletePhone(contactId: string, phoneId: string): Promise<void> {
  await send(() =>
    noContentRoute("contacts", ":contact_id", "phones", ":phone_id").$delete({ param: { contact_id: contactId, phone_id: phoneId } }),
  );
}

export async function addEmail(contactId: string, json: EmailInput): Promise<Email> {
  const res = await send(() => emails.$post({ param: { contact_id: contactId }, json }));
  return (await res.json()) as Email;
}

export async function updateEmail(contactId: string, emailId: string, json: Partial<EmailInput>): Promise<Email> {
  const res = await send(() => emails[":email_id"].$put({ param: { contact_id: contactId, email_id: emailId }, json }));
  return (await res.json()) as Email;
}

export async function deleteEmail(contactId: string, emailId: string): Promise<void> {
  await send(() =>
    noContentRoute("contacts", ":contact_id", "emails", ":email_id").$delete({ param: { contact_id: contactId, email_id: emailId } }),
  );
}

export async function addAddress(contactId: string, json: AddressInput): Promise<Address> {
  const res = await send(() => addresses.$post({ param: { contact_id: contactId }, json }));
  return (await res.json()) as Address;
}

export async function updateAddress(contactId: string, addressId: string, json: Partial<AddressInput>): Promise<Address> {
  const res = await send(() =>
    addresses[":address_id"].$put({ param: { contact_id: contactId, address_id: addressId }, json }),
  );
  return (await res.json()) as Address;
}

export async function deleteAddress(contactId: string, addressId: string): Promise<void> {
  await send(() =>
    noContentRoute("contacts", ":contact_id", "addresses", ":address_id").$delete({
      param: { contact_id: contactId, address_id: addressId },
    }),
  );
}

export async function listMembers(): Promise<Member[]> {
  const res = await send(() => client.api.members.$get());
  return (await res.json()) as Member[];
}

export async function assignMember(contactId: string, memberId: string): Promise<void> {
  await send(() =>
    noContentRoute("contacts", ":contact_id", "members", ":member_id").$post({ param: { contact_id: contactId, member_id: memberId } }),
  );
}

export async function unassignMember(contactId: string, memberId: string): Promise<void> {
  await send(() =>
    noContentRoute("contacts", ":contact_id", "members", ":member_id").$delete({ param: { contact_id: contactId, member_id: memberId } }),
  );
}
