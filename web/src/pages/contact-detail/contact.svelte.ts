import { ApiError, errorMessage } from "./api";
import * as api from "./contact-detail-api";
import type { AddressInput, AssignedUser, ContactDetail, ContactUpdate, EmailInput, Member, PhoneInput, Tag } from "./contact-detail-api";
import { session } from "./session.svelte";

/** A load that failed because the session ended or lost its organization: let the app route away. */
export function handleLoadError(e: unknown): string {
  if (e instanceof ApiError && (e.status === 401 || e.status === 403)) session.forget();
  return errorMessage(e);
}

type View = { kind: "loading" } | { kind: "not-found" } | { kind: "failed"; message: string } | { kind: "loaded" };

/**
 * One contact and every change made to it from the detail page. Changes show at once and are
 * undone, with the server's words thrown to the caller, when the server refuses them.
 */
export class ContactState {
  view = $state<View>({ kind: "loading" });
  contact = $state<ContactDetail | null>(null);
  readonly id: string;

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
      else this.view = { kind: "failed", message: handleLoadError(e) };
    }
  }

  #loaded(): ContactDetail {
    if (!this.contact) throw new ApiError(0, "The contact is not loaded yet.");
    return this.contact;
  }

  /**
   * The server's version of the fields this change touched (it may canonicalize them, e.g. a
   * language tag): other fields may have newer changes of their own still in flight.
   */
  #takeFields(from: ContactDetail, keys: readonly string[]) {
    const c = this.#loaded() as Record<string, unknown>;
    for (const key of [...keys, "updated_at"]) if (key in from) c[key] = (from as Record<string, unknown>)[key];
  }

  async update(changes: ContactUpdate) {
    const c = this.#loaded();
    const keys = Object.keys(changes) as (keyof ContactUpdate)[];
    const before = Object.fromEntries(keys.map((k) => [k, c[k]]));
    Object.assign(c, changes);
    try {
      this.#takeFields(await api.updateContact(this.id, changes), keys);
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
    const c = this.#loaded();
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
    const c = this.#loaded();
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
    const c = this.#loaded();
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
    const c = this.#loaded();
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

  /**
   * Phones, emails and addresses come back from the server after each change: making one
   * preferred unsets the others, and deleting the preferred one promotes another.
   */
  async #refresh(key: "phones" | "emails" | "addresses") {
    try {
      const fresh = await api.getContact(this.id);
      const c = this.#loaded();
      if (key === "phones") c.phones = fresh.phones;
      else if (key === "emails") c.emails = fresh.emails;
      else c.addresses = fresh.addresses;
    } catch {
      // The change itself succeeded; the list catches up on the next load.
    }
  }

  #preferOptimistically<T extends { id: string }>(list: T[], id: string, flag: "is_preferred" | "is_primary") {
    const before = list.map((item) => (item as Record<string, unknown>)[flag]);
    for (const item of list) (item as Record<string, unknown>)[flag] = item.id === id;
    return () => list.forEach((item, i) => ((item as Record<string, unknown>)[flag] = before[i]));
  }

  async addPhone(input: PhoneInput) {
    await api.addPhone(this.id, input);
    await this.#refresh("phones");
  }

  async updatePhone(phoneId: string, input: Partial<PhoneInput>) {
    await api.updatePhone(this.id, phoneId, input);
    await this.#refresh("phones");
  }

  async preferPhone(phoneId: string) {
    const undo = this.#preferOptimistically(this.#loaded().phones, phoneId, "is_preferred");
    try {
      await api.updatePhone(this.id, phoneId, { is_preferred: true });
    } catch (e) {
      undo();
      throw e;
    }
  }

  async deletePhone(phoneId: string) {
    await api.deletePhone(this.id, phoneId);
    await this.#refresh("phones");
  }

  async addEmail(input: EmailInput) {
    await api.addEmail(this.id, input);
    await this.#refresh("emails");
  }

  async updateEmail(emailId: string, input: Partial<EmailInput>) {
    await api.updateEmail(this.id, emailId, input);
    await this.#refresh("emails");
  }

  async preferEmail(emailId: string) {
    const undo = this.#preferOptimistically(this.#loaded().emails, emailId, "is_preferred");
    try {
      await api.updateEmail(this.id, emailId, { is_preferred: true });
    } catch (e) {
      undo();
      throw e;
    }
  }

  async deleteEmail(emailId: string) {
    await api.deleteEmail(this.id, emailId);
    await this.#refresh("emails");
  }

  async addAddress(input: AddressInput) {
    await api.addAddress(this.id, input);
    await this.#refresh("addresses");
  }

  async updateAddress(addressId: string, input: Partial<AddressInput>) {
    await api.updateAddress(this.id, addressId, input);
    await this.#refresh("addresses");
  }

  async makeAddressPrimary(addressId: string) {
    const undo = this.#preferOptimistically(this.#loaded().addresses, addressId, "is_primary");
    try {
      await api.updateAddress(this.id, addressId, { is_primary: true });
    } catch (e) {
      undo();
      throw e;
    }
  }

  async deleteAddress(addressId: string) {
    await api.deleteAddress(this.id, addressId);
    await this.#refresh("addresses");
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
    const tag = await api.createTag(name, color);
    this.tags = [...(this.tags ?? []), tag].sort((a, b) => a.name.localeCompare(b.name));
    return tag;
  }
}
