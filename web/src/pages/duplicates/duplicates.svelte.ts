import { dismissDuplicate, errorMessage, listDuplicates, type DuplicatePair } from "../../lib/api";
import { loadErrorMessage } from "../../lib/session.svelte";

/** Duplicate suggestions, strongest first, a page at a time. */
export class DuplicatesState {
  items = $state<DuplicatePair[]>([]);
  total = $state(0);
  next = $state<string | null>(null);
  status = $state<"loading" | "ready" | "error">("loading");
  error = $state("");
  loadingMore = $state(false);
  moreError = $state("");
  /** The pair being dismissed ("a|b"). */
  dismissing = $state<string | null>(null);

  async load() {
    if (!this.items.length) this.status = "loading";
    try {
      const page = await listDuplicates(null);
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
      const page = await listDuplicates(this.next);
      const seen = new Set(this.items.map(key));
      this.items = [...this.items, ...page.items.filter((p) => !seen.has(key(p)))];
      this.total = page.total;
      this.next = page.next_cursor;
    } catch (e) {
      this.moreError = errorMessage(e);
    } finally {
      this.loadingMore = false;
    }
  }

  /** "Not the same person": the pair goes and is never suggested again. */
  async dismiss(pair: DuplicatePair) {
    const [a, b] = pair.contacts;
    if (!a || !b) return;
    this.dismissing = key(pair);
    try {
      await dismissDuplicate(a.id, b.id);
      this.drop((p) => key(p) === key(pair));
    } finally {
      this.dismissing = null;
    }
  }

  /** Takes pairs off the list at once (dismissed, or merged away). */
  drop(which: (pair: DuplicatePair) => boolean) {
    const before = this.items.length;
    this.items = this.items.filter((p) => !which(p));
    this.total = Math.max(0, this.total - (before - this.items.length));
  }
}

export const key = (pair: DuplicatePair) => pair.contacts.map((c) => c.id).join("|");
