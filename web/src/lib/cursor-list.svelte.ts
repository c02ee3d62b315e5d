import { errorMessage } from "./api";
import { loadErrorMessage } from "./session.svelte";

export interface CursorPage<T> {
  items: T[];
  total: number;
  next_cursor: string | null;
}

/**
 * A list read a cursor page at a time (the trash, duplicate suggestions): the first page again on
 * load(), the next one appended by more() (without repeating an item a change moved between pages).
 */
export class CursorList<T> {
  items = $state<T[]>([]);
  total = $state(0);
  next = $state<string | null>(null);
  status = $state<"loading" | "ready" | "error">("loading");
  error = $state("");
  loadingMore = $state(false);
  moreError = $state("");

  constructor(
    private readonly fetchPage: (cursor: string | null) => Promise<CursorPage<T>>,
    protected readonly keyOf: (item: T) => string,
  ) {}

  /** The first page again (a first visit, a retry, a change elsewhere). */
  async load() {
    if (!this.items.length) this.status = "loading";
    try {
      const page = await this.fetchPage(null);
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
      const page = await this.fetchPage(this.next);
      const seen = new Set(this.items.map(this.keyOf));
      this.items = [...this.items, ...page.items.filter((i) => !seen.has(this.keyOf(i)))];
      this.total = page.total;
      this.next = page.next_cursor;
    } catch (e) {
      this.moreError = errorMessage(e);
    } finally {
      this.loadingMore = false;
    }
  }

  /** Takes items off the list at once (restored, dismissed, merged away). */
  drop(which: (item: T) => boolean) {
    const before = this.items.length;
    this.items = this.items.filter((i) => !which(i));
    this.total = Math.max(0, this.total - (before - this.items.length));
  }
}
