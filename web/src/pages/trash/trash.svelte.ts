import { errorMessage, listTrash, restoreContact, type Restored, type TrashItem } from "../../lib/api";
import { loadErrorMessage } from "../../lib/session.svelte";

/** A restore that left numbers with the contacts that hold them now: shown until dismissed. */
export interface TakenNumbers {
  restored: Restored["contact"];
  numbers: { phone_number: string; contact_id: string; name: string | null }[];
}

/** The trash, newest first, a page at a time; restoring takes a contact out of it. */
export class TrashState {
  items = $state<TrashItem[]>([]);
  total = $state(0);
  next = $state<string | null>(null);
  status = $state<"loading" | "ready" | "error">("loading");
  error = $state("");
  loadingMore = $state(false);
  moreError = $state("");
  /** The contact being restored (its button shows a spinner). */
  restoring = $state<string | null>(null);
  taken = $state<TakenNumbers | null>(null);

  /** The first page again (a first visit, a retry, a change elsewhere). */
  async load() {
    if (!this.items.length) this.status = "loading";
    try {
      const page = await listTrash(null);
      this.items = page.items;
      this.total = page.total;
      this.next = page.next_cursor;
      this.status = "ready";
    } catch (e) {
      this.status = "error";
      this.error = loadErrorMessage(e);
    }
  }

  async more() {
    if (!this.next || this.loadingMore) return;
    this.loadingMore = true;
    this.moreError = "";
    try {
      const page = await listTrash(this.next);
      const seen = new Set(this.items.map((i) => i.contact_id));
      this.items = [...this.items, ...page.items.filter((i) => !seen.has(i.contact_id))];
      this.total = page.total;
      this.next = page.next_cursor;
    } catch (e) {
      this.moreError = errorMessage(e);
    } finally {
      this.loadingMore = false;
    }
  }

  /** Restores one contact; throws the server's refusal in words. */
  async restore(item: TrashItem): Promise<Restored> {
    this.restoring = item.contact_id;
    try {
      const restored = await restoreContact(item.contact_id);
      this.items = this.items.filter((i) => i.contact_id !== item.contact_id);
      this.total = Math.max(0, this.total - 1);
      const holders = new Map(item.phones.map((p) => [p.phone_number, p.now_held_by?.name ?? null]));
      this.taken = restored.phones_taken.length
        ? { restored: restored.contact, numbers: restored.phones_taken.map((p) => ({ ...p, name: holders.get(p.phone_number) ?? null })) }
        : null;
      return restored;
    } finally {
      this.restoring = null;
    }
  }
}
