import { SvelteSet } from "svelte/reactivity";
import {
  ApiError,
  assignMember,
  bulkChange,
  errorMessage,
  listAssignments,
  unassignMember,
  type AssignmentPage,
  type ContactAssignment,
  type ListQuery,
  type Member,
  type MemberFilter,
} from "../../lib/api";
import { personName } from "../../lib/contact";
import { notices } from "../../lib/notices.svelte";
import { Query } from "../../lib/query.svelte";

export type AssignmentQuery = ListQuery & { memberFilter: MemberFilter };

/**
 * The assignments view: the page of contacts, the organization-wide counts, the rows selected
 * for a bulk assignment, and assign/remove applied at once on screen and undone if the server
 * refuses.
 */
export class AssignmentsState {
  readonly list = new Query((q: AssignmentQuery, signal) => listAssignments(q, signal));
  /** All contacts of the organization (the list's total is only the filtered count). */
  orgTotal = $state<number | null>(null);
  readonly selected = new SvelteSet<string>();
  bulkBusy = $state(false);

  async load(q: AssignmentQuery, { keepSelection = false } = {}) {
    if (!keepSelection) this.selected.clear();
    await this.list.run(q);
    // A re-read for someone else's change keeps what the person had selected and is still shown.
    if (keepSelection) for (const id of [...this.selected]) if (!this.contacts.some((c) => c.id === id)) this.selected.delete(id);
    const page = this.list.data;
    if (!page || this.list.status !== "ready") return;
    if (!q.search.trim() && q.tagIds.length === 0 && q.memberFilter === "all") this.orgTotal = page.total_count;
    else if (this.orgTotal === null) void this.#loadOrgTotal();
  }

  async #loadOrgTotal() {
    try {
      const all = await listAssignments({ search: "", sort: "name_asc", tagIds: [], page: 0, pageSize: 1, memberFilter: "all" });
      this.orgTotal = all.total_count;
    } catch {
      // The stats then show the assigned count alone; the list itself is unaffected.
    }
  }

  get contacts(): ContactAssignment[] {
    return this.list.data?.contacts ?? [];
  }

  toggleAll(on: boolean) {
    for (const c of this.contacts) {
      if (on) this.selected.add(c.id);
      else this.selected.delete(c.id);
    }
  }

  #countChange(page: AssignmentPage, before: number, after: number) {
    if (before === 0 && after > 0) page.assigned_count++;
    else if (before > 0 && after === 0) page.assigned_count--;
  }

  async assign(contact: ContactAssignment, member: Member) {
    const page = this.list.data;
    if (!page || contact.assigned_users.some((u) => u.member_id === member.id)) return;
    const before = contact.assigned_users;
    contact.assigned_users = [...before, { member_id: member.id, user_id: member.user_id, name: member.name }];
    this.#countChange(page, before.length, contact.assigned_users.length);
    try {
      await assignMember(contact.id, member.id);
    } catch (e) {
      contact.assigned_users = before;
      this.#countChange(page, before.length + 1, before.length);
      notices.show(`${member.name} was not assigned to ${personName(contact) || "this contact"}: ${errorMessage(e)}`, "error");
    }
  }

  async remove(contact: ContactAssignment, memberId: string) {
    const page = this.list.data;
    const user = contact.assigned_users.find((u) => u.member_id === memberId);
    if (!page || !user) return;
    const before = contact.assigned_users;
    contact.assigned_users = before.filter((u) => u.member_id !== memberId);
    this.#countChange(page, before.length, contact.assigned_users.length);
    try {
      await unassignMember(contact.id, memberId);
    } catch (e) {
      // 404: someone else removed it already, which is what was asked.
      if (e instanceof ApiError && e.status === 404) return;
      contact.assigned_users = before;
      this.#countChange(page, before.length - 1, before.length);
      notices.show(`${user.name} is still assigned to ${personName(contact) || "this contact"}: ${errorMessage(e)}`, "error");
    }
  }

  async bulkAssign(member: Member, q: AssignmentQuery) {
    const ids = [...this.selected];
    if (!ids.length) return;
    this.bulkBusy = true;
    try {
      const result = await bulkChange({ action: { type: "assign", member_id: member.id }, contact_ids: ids });
      const already = result.total - result.affected;
      notices.show(`Assigned ${result.affected} ${result.affected === 1 ? "contact" : "contacts"} to ${member.name}${already ? ` (${already} already were)` : ""}.`, "success");
      await this.load(q);
    } catch (e) {
      notices.show(`Nothing was assigned: ${errorMessage(e)}`, "error");
    } finally {
      this.bulkBusy = false;
    }
  }
}

export interface Group {
  letter: string;
  contacts: ContactAssignment[];
}

/** "#" for names that do not start with a letter, and for contacts without a name (stubs). */
export function letterOf(c: ContactAssignment): string {
  const first = personName(c).normalize("NFD").replace(/[\u0300-\u036f]/g, "").charAt(0).toUpperCase();
  return /[A-Z]/.test(first) ? first : "#";
}

/** Consecutive runs of the same first letter, in the server's order. */
export function groupByLetter(contacts: ContactAssignment[]): Group[] {
  const groups: Group[] = [];
  for (const c of contacts) {
    const letter = letterOf(c);
    const last = groups.at(-1);
    if (last?.letter === letter) last.contacts.push(c);
    else groups.push({ letter, contacts: [c] });
  }
  return groups;
}
