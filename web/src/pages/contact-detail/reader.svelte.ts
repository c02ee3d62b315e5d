import { loadErrorMessage } from "../../lib/session.svelte";

export type Load = { kind: "loading" } | { kind: "failed"; message: string } | { kind: "loaded" };

/**
 * Something the contact page reads about one contact, a page at a time: a newer first page
 * supersedes reads still under way, and a reload (another filter) keeps what is on screen,
 * marked `refreshing`.
 */
export abstract class ContactReader {
  load = $state<Load>({ kind: "loading" });
  refreshing = $state(false);
  readonly contactId: string;
  #generation = 0;

  constructor(contactId: string) {
    this.contactId = contactId;
  }

  /** Reads it (again) from the start. */
  abstract fetch(): Promise<void>;

  /** True for as long as no newer first page has been asked for. */
  protected latest(): () => boolean {
    const generation = this.#generation;
    return () => generation === this.#generation;
  }

  /** The first page: `show` puts it on screen unless a newer read started meanwhile. */
  protected async readFirst<P>(read: () => Promise<P>, show: (page: P) => void) {
    this.#generation++;
    const latest = this.latest();
    if (this.load.kind === "loaded") this.refreshing = true;
    else this.load = { kind: "loading" };
    try {
      const page = await read();
      if (!latest()) return;
      show(page);
      this.load = { kind: "loaded" };
    } catch (e) {
      if (latest()) this.load = { kind: "failed", message: loadErrorMessage(e) };
    } finally {
      if (latest()) this.refreshing = false;
    }
  }

  /** The next page, after the ones shown. Throws the reason when the server refuses. */
  protected async readMore<P>(read: () => Promise<P>, show: (page: P) => void) {
    const latest = this.latest();
    const page = await read();
    if (latest()) show(page);
  }
}

/** What the server pages by cursor: `nextCursor` is where the next page starts, null at the end. */
export abstract class CursorReader<P extends { next_cursor: string | null }> extends ContactReader {
  nextCursor = $state<string | null>(null);

  protected abstract readPage(cursor: string | null): Promise<P>;
  /** Puts a page on screen: the first replaces what is shown, the next ones add to it. */
  protected abstract showPage(page: P, first: boolean): void;

  fetch() {
    return this.readFirst(
      () => this.readPage(null),
      (page) => {
        this.showPage(page, true);
        this.nextCursor = page.next_cursor;
      },
    );
  }

  /** Throws the reason when the server refuses. */
  async fetchMore() {
    const cursor = this.nextCursor;
    if (!cursor) return;
    await this.readMore(
      () => this.readPage(cursor),
      (page) => {
        this.showPage(page, false);
        this.nextCursor = page.next_cursor;
      },
    );
  }
}
