import * as api from "../../lib/api";
import { ApiError, errorMessage, type AssignedUser, type ContactDetail, type ContactUpdate, type Member, type Tag } from "../../lib/api";
import { loadErrorMessage } from "../../lib/session.svelte";

type View = { kind: "loading" } | { kind: "not-found" } | { kind: "failed"; message: string } | { kind: "loaded" };

type ChannelKey = "phones" | "emails" | "addresses";

/** The server's calls for one kind of channel of a contact. */
interface ChannelApi<I> {
  add(contactId: string, input: I): Promise<unknown>;
  update(contactId: string, id: string, input: Partial<I>): Promise<unknown>;
  prefer(contactId: string, id: string): Promise<unknown>;
  remove(contactId: string, id: string): Promise<void>;
}

/**
 * The contact's phones, emails or addresses. They come back from the server after each change:
 * making one preferred unsets the others, and deleting the preferred one promotes another.
 */
class Channel<I> {
  readonly #owner: ContactState;
  readonly #key: ChannelKey;
  readonly #flag: "is_preferred" | "is_primary";
  readonly #api: ChannelApi<I>;

  constructor(owner: ContactState, key: ChannelKey, flag: "is_preferred" | "is_primary", calls: ChannelApi<I>) {
    this.#owner = owner;
    this.#key = key;
    this.#flag = flag;
    this.#api = calls;
  }

  async #refresh() {
    try {
      const fresh = await api.getContact(this.#owner.id);
      this.#owner.take(fresh, this.#key);
    } catch {
      // The change itself succeeded; the list catches up on the next load.
    }
  }

  async add(input: I) {
    await this.#api.add(this.#owner.id, input);
    await this.#refresh();
  }

  async update(id: string, input: Partial<I>) {
    await this.#api.update(this.#owner.id, id, input);
    await this.#refresh();
  }

  async remove(id: string) {
    await this.#api.remove(this.#owner.id, id);
    await this.#refresh();
  }

  /** Shows the one chosen as preferred (or primary) at once; undone if the server refuses. */
  async prefer(id: string) {
    const list: { id: string }[] = this.#owner.loaded()[this.#key];
    const flag = this.#flag;
    const before = list.map((item) => (item as Record<string, unknown>)[flag]);
    for (const item of list) (item as Record<string, unknown>)[flag] = item.id === id;
    try {
      await this.#api.prefer(this.#owner.id, id);
    } catch (e) {
      list.forEach((item, i) => ((item as Record<string, unknown>)[flag] = before[i]));
      throw e;
    }
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
  readonly phones = new Channel(this, "phones", "is_preferred", {
    add: api.addPhone,
    update: api.updatePhone,
    prefer: (contactId, id) => api.updatePhone(contactId, id, { is_preferred: true }),
    remove: api.deletePhone,
  });
  readonly emails = new Channel(this, "emails", "is_preferred", {
    add: api.addEmail,
    update: api.updateEmail,
    prefer: (contactId, id) => api.updateEmail(contactId, id, { is_preferred: true }),
    remove: api.deleteEmail,
  });
  readonly addresses = new Channel(this, "addresses", "is_primary", {
    add: api.addAddress,
    update: api.updateAddress,
    prefer: (contactId, id) => api.updateAddress(contactId, id, { is_primary: true }),
    remove: api.deleteAddress,
  });

  constructor(id: string) {
    this.id = id;
  }

  async load() {
    this.view = { kind: "loading" };
    try {
      this.contact = await api.getContact(this.id);
      this.view = { kind: "loaded" };
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 400)) this.view = { kind: "not-found" };
      else this.view = { kind: "failed", message: loadErrorMessage(e) };
    }
  }

  loaded(): ContactDetail {
    if (!this.contact) throw new ApiError(0, "The contact is not loaded yet.");
    return this.contact;
  }

  /** The server's copy of one part of the contact, leaving the others as they show now. */
  take<K extends keyof ContactDetail>(from: ContactDetail, key: K) {
    this.loaded()[key] = from[key];
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
      for (const key of [...keys, "updated_at" as const]) if (key in saved) this.take(saved, key);
    } catch (e) {
      // Undo only what still shows this change: a later edit of the same field wins.
      for (const k of keys) if (c[k] === changes[k]) (c as Record<string, unknown>)[k] = before[k];
      throw e;
    }
  }

  async remove() {
    await api.deleteContact(this.id);
  }

  async addTag(tag: Tag) {
    const c = this.loaded();
    if (c.tags.some((t) => t.id === tag.id)) return;
    c.tags.push(tag);
    c.tags.sort((a, b) => a.name.localeCompare(b.name));
    try {
      await api.addTag(this.id, tag.id);
    } catch (e) {
      c.tags = c.tags.filter((t) => t.id !== tag.id);
      throw e;
    }
  }

  async removeTag(tag: Tag) {
    const c = this.loaded();
    const index = c.tags.findIndex((t) => t.id === tag.id);
    if (index < 0) return;
    c.tags.splice(index, 1);
    try {
      await api.removeTag(this.id, tag.id);
    } catch (e) {
      if (!c.tags.some((t) => t.id === tag.id)) c.tags.splice(Math.min(index, c.tags.length), 0, tag);
      throw e;
    }
  }

  async assign(member: Member) {
    const c = this.loaded();
    if (c.assigned_users.some((u) => u.member_id === member.id)) return;
    c.assigned_users.push({ member_id: member.id, user_id: member.user_id, name: member.name });
    try {
      await api.assignMember(this.id, member.id);
    } catch (e) {
      c.assigned_users = c.assigned_users.filter((u) => u.member_id !== member.id);
      throw e;
    }
  }

  async unassign(user: AssignedUser) {
    const c = this.loaded();
    const index = c.assigned_users.findIndex((u) => u.member_id === user.member_id);
    if (index < 0) return;
    c.assigned_users.splice(index, 1);
    try {
      await api.unassignMember(this.id, user.member_id);
    } catch (e) {
      if (!c.assigned_users.some((u) => u.member_id === user.member_id)) c.assigned_users.splice(index, 0, user);
      throw e;
    }
  }
}

/** The organization's tags and members, loaded when a picker first opens. */
export class Pickers {
  tags = $state<Tag[] | null>(null);
  members = $state<Member[] | null>(null);
  error = $state("");

  async loadTags() {
    try {
      this.tags = await api.listTags();
      this.error = "";
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  async loadMembers() {
    try {
      this.members = await api.listMembers();
      this.error = "";
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  async createTag(name: string, color: string): Promise<Tag> {
    const tag = await api.createTag({ name, color });
    this.tags = [...(this.tags ?? []), tag].sort((a, b) => a.name.localeCompare(b.name));
    return tag;
  }
}
