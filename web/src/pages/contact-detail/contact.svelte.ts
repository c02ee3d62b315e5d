import * as api from "../../lib/api";
import { ApiError, errorMessage, type AssignedUser, type ChannelCalls, type ContactDetail, type ContactUpdate, type Member, type Tag } from "../../lib/api";
import { loadErrorMessage } from "../../lib/session.svelte";

type View =
  | { kind: "loading" }
  | { kind: "not-found" }
  | { kind: "merged"; into: string }
  | { kind: "trashed" }
  | { kind: "failed"; message: string }
  | { kind: "loaded" };

/** Why a contact is not there: merged into another (which to open instead), in the trash, or gone. */
const missing = (e: ApiError): View =>
  e.mergedInto ? { kind: "merged", into: e.mergedInto } : e.inTrash ? { kind: "trashed" } : { kind: "not-found" };

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

/** One part of the contact as another copy of it has it. */
function copyPart<K extends keyof ContactDetail>(to: ContactDetail, from: ContactDetail, key: K) {
  to[key] = from[key];
}

/**
 * The contact's phones, emails or addresses. They come back from the server after each change:
 * making one preferred unsets the others, and deleting the preferred one promotes another.
 */
class Channel<I> {
  readonly #owner: ContactState;
  readonly #key: "phones" | "emails" | "addresses";
  readonly #flag: "is_preferred" | "is_primary";
  readonly #calls: ChannelCalls<I>;

  constructor(owner: ContactState, key: "phones" | "emails" | "addresses", flag: "is_preferred" | "is_primary", calls: ChannelCalls<I>) {
    this.#owner = owner;
    this.#key = key;
    this.#flag = flag;
    this.#calls = calls;
  }

  async #refresh() {
    try {
      const fresh = await api.getContact(this.#owner.id);
      copyPart(this.#owner.loaded(), fresh, this.#key);
    } catch {
      // The change itself succeeded; the list catches up on the next load.
    }
  }

  async add(input: I) {
    await this.#calls.add(this.#owner.id, input);
    await this.#refresh();
  }

  async update(id: string, input: Partial<I>) {
    await this.#calls.update(this.#owner.id, id, input);
    await this.#refresh();
  }

  async remove(id: string) {
    await this.#calls.remove(this.#owner.id, id);
    await this.#refresh();
  }

  /** Shows the one chosen as preferred (or primary) at once; undone if the server refuses. */
  async prefer(id: string) {
    const list: Record<string, unknown>[] = this.#owner.loaded()[this.#key];
    const flag = this.#flag;
    const before = list.map((item) => item[flag]);
    for (const item of list) item[flag] = item.id === id;
    try {
      await this.#calls.prefer(this.#owner.id, id);
    } catch (e) {
      list.forEach((item, i) => (item[flag] = before[i]));
      throw e;
    }
  }
}

/**
 * Adds an item to one of the contact's lists at once and takes it out again if the server
 * refuses. `list` is read anew each time: the server's copy may have replaced the array meanwhile.
 */
async function addShown<T>(
  list: () => T[],
  replace: (items: T[]) => void,
  item: T,
  same: (other: T) => boolean,
  save: () => Promise<void>,
  order?: (a: T, b: T) => number,
) {
  if (list().some(same)) return;
  list().push(item);
  if (order) list().sort(order);
  try {
    await save();
  } catch (e) {
    replace(list().filter((other) => !same(other)));
    throw e;
  }
}

/** Takes an item out of one of the contact's lists at once and puts it back if the server refuses. */
async function removeShown<T>(list: () => T[], same: (other: T) => boolean, save: () => Promise<void>) {
  const index = list().findIndex(same);
  if (index < 0) return;
  const [removed] = list().splice(index, 1);
  try {
    await save();
  } catch (e) {
    const now = list();
    if (removed && !now.some(same)) now.splice(Math.min(index, now.length), 0, removed);
    throw e;
  }
}

/**
 * One contact and every change made to it from the detail page. Changes show at once and are
 * undone, with the server's words thrown to the caller, when the server refuses them.
 */
export class ContactState {
  view = $state<View>({ kind: "loading" });
  contact = $state<ContactDetail | null>(null);
  readonly id: string;
  readonly phones = new Channel(this, "phones", "is_preferred", api.phoneCalls);
  readonly emails = new Channel(this, "emails", "is_preferred", api.emailCalls);
  readonly addresses = new Channel(this, "addresses", "is_primary", api.addressCalls);

  constructor(id: string) {
    this.id = id;
  }

  async load() {
    this.view = { kind: "loading" };
    try {
      this.contact = await api.getContact(this.id);
      this.view = { kind: "loaded" };
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 400)) this.view = missing(e);
      else this.view = { kind: "failed", message: loadErrorMessage(e) };
    }
  }

  /** Reads the contact again without a loading state (someone else changed it); gone → not found. */
  async refresh() {
    if (this.view.kind !== "loaded") return;
    try {
      this.contact = await api.getContact(this.id);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) this.view = missing(e);
    }
  }

  loaded(): ContactDetail {
    if (!this.contact) throw new ApiError(0, "The contact is not loaded yet.");
    return this.contact;
  }

  async update(changes: ContactUpdate) {
    const c = this.loaded();
    const keys = Object.keys(changes) as (keyof ContactUpdate)[];
    const before = Object.fromEntries(keys.map((k) => [k, c[k]]));
    Object.assign(c, changes);
    try {
      // The server's version of the fields this change touched (it may canonicalize them, e.g. a
      // language tag): other fields may have newer changes of their own still in flight.
      const saved = await api.updateContact(this.id, changes);
      for (const key of [...keys, "updated_at" as const]) if (key in saved) copyPart(c, saved, key);
    } catch (e) {
      // Undo only what still shows this change: a later edit of the same field wins.
      for (const k of keys) if (c[k] === changes[k]) (c as Record<string, unknown>)[k] = before[k];
      throw e;
    }
  }

  async remove() {
    await api.deleteContact(this.id);
  }

  addTag(tag: Tag) {
    const same = (t: Tag) => t.id === tag.id;
    return addShown(() => this.loaded().tags, (list) => (this.loaded().tags = list), tag, same, () => api.addTag(this.id, tag.id), byName);
  }

  removeTag(tag: Tag) {
    return removeShown(() => this.loaded().tags, (t) => t.id === tag.id, () => api.removeTag(this.id, tag.id));
  }

  assign(member: Member) {
    const user: AssignedUser = { member_id: member.id, user_id: member.user_id, name: member.name };
    const same = (u: AssignedUser) => u.member_id === member.id;
    return addShown(() => this.loaded().assigned_users, (list) => (this.loaded().assigned_users = list), user, same, () =>
      api.assignMember(this.id, member.id),
    );
  }

  unassign(user: AssignedUser) {
    return removeShown(() => this.loaded().assigned_users, (u) => u.member_id === user.member_id, () => api.unassignMember(this.id, user.member_id));
  }
}

/** The organization's tags and members, loaded when a picker first opens. */
export class Pickers {
  tags = $state<Tag[] | null>(null);
  members = $state<Member[] | null>(null);
  error = $state("");

  async #load(read: () => Promise<void>) {
    try {
      await read();
      this.error = "";
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  loadTags() {
    return this.#load(async () => void (this.tags = await api.listTags()));
  }

  loadMembers() {
    return this.#load(async () => void (this.members = await api.listMembers()));
  }

  async createTag(name: string, color: string): Promise<Tag> {
    const tag = await api.createTag({ name, color });
    this.tags = [...(this.tags ?? []), tag].sort(byName);
    return tag;
  }
}
