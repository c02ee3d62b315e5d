import * as api from "../../lib/api";
import type { ActivityItem, ActivityKind, ActivityPage, Memory, Note, NoteArea, NoteSort, Todo } from "../../lib/api";
import { notices } from "../../lib/notices.svelte";
import { ContactReader, CursorReader } from "./reader.svelte";

/** What the assistant has synthesized about the contact from its calls and messages. */
export class MemoryState extends ContactReader {
  memory = $state<Memory>(null);

  fetch() {
    return this.readFirst(
      () => api.getMemory(this.contactId),
      (memory) => (this.memory = memory),
    );
  }
}

/** A note as shown: `pending` until the server has stored it. */
export type ViewNote = Note & { pending?: boolean };

/** The notes feed: search, area filter and sort are asked of the server; writes show at once. */
export class NotesState extends ContactReader {
  /** What is typed in the search box; `search` follows it after a pause. */
  searchText = $state("");
  search = $state("");
  area = $state<NoteArea | "all">("all");
  sort = $state<NoteSort>("newest");
  notes = $state<ViewNote[]>([]);
  total = $state(0);
  /** Words about a change the server refused, shown above the list. */
  notice = $state("");
  readonly #onChange: () => void;
  #page = 0;
  #pendingIds = 0;
  #searchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(contactId: string, onChange: () => void) {
    super(contactId);
    this.#onChange = onChange;
  }

  /** Typing searches 300 ms after the last key, not on every key. */
  typeSearch(text: string) {
    this.searchText = text;
    clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => {
      if (this.search === text.trim()) return;
      this.search = text.trim();
      void this.fetch();
    }, 300);
  }

  get filtered() {
    return this.search.trim() !== "" || this.area !== "all";
  }

  #read(page: number) {
    return () => api.listNotes(this.contactId, { search: this.search, area: this.area, sort: this.sort, page });
  }

  fetch() {
    return this.readFirst(this.#read(0), (page) => {
      this.notes = page.notes;
      this.total = page.total_count;
      this.#page = 0;
    });
  }

  get hasMore() {
    return this.notes.filter((n) => !n.pending).length < this.total;
  }

  fetchMore() {
    return this.readMore(this.#read(this.#page + 1), (page) => {
      const known = new Set(this.notes.map((n) => n.id));
      this.notes.push(...page.notes.filter((n) => !known.has(n.id)));
      this.total = page.total_count;
      this.#page++;
    });
  }

  /** Whether a new manual note belongs in the list as filtered now. */
  #shows(body: string) {
    const search = this.search.trim().toLowerCase();
    return (this.area === "all" || this.area === "manual") && (!search || body.toLowerCase().includes(search));
  }

  #place(note: ViewNote) {
    if (this.sort === "oldest" && this.hasMore) return; // it belongs on a page not loaded yet
    if (this.sort === "oldest") this.notes.push(note);
    else this.notes.unshift(note);
  }

  async create(body: string, author: { user_id: string; name: string } | null) {
    const now = new Date().toISOString();
    const pending: ViewNote = {
      id: `pending-${++this.#pendingIds}`,
      contact_id: this.contactId,
      area: "manual",
      body,
      call_id: null,
      author,
      can_edit: false,
      created_at: now,
      updated_at: now,
      pending: true,
    };
    const shown = this.#shows(body);
    if (shown) this.#place(pending);
    try {
      const saved = await api.createNote(this.contactId, body);
      const index = this.notes.findIndex((n) => n.id === pending.id);
      if (index >= 0) this.notes[index] = saved;
      if (shown) this.total++;
      else notices.show("Note added. The current search or filter hides it.", "info");
      this.#onChange();
    } catch (e) {
      this.notes = this.notes.filter((n) => n.id !== pending.id);
      throw e;
    }
  }

  async edit(note: ViewNote, body: string) {
    const current = this.notes.find((n) => n.id === note.id);
    if (!current) return;
    const before = { body: current.body, updated_at: current.updated_at };
    current.body = body;
    current.updated_at = new Date().toISOString();
    current.pending = true;
    try {
      Object.assign(current, await api.updateNote(note.id, body), { pending: false });
      this.#onChange();
    } catch (e) {
      Object.assign(current, before, { pending: false });
      throw e;
    }
  }

  async remove(note: ViewNote) {
    const index = this.notes.findIndex((n) => n.id === note.id);
    if (index < 0) return;
    const [removed] = this.notes.splice(index, 1);
    this.total--;
    try {
      await api.deleteNote(note.id);
      this.#onChange();
    } catch (e) {
      if (removed) this.notes.splice(Math.min(index, this.notes.length), 0, removed);
      this.total++;
      throw e;
    }
  }
}

/** Todos linked to the contact and its calls; a checkbox marks them done or open again. */
export class TodosState extends ContactReader {
  todos = $state<Todo[]>([]);
  readonly #onChange: () => void;
  #started = false;

  constructor(contactId: string, onChange: () => void) {
    super(contactId);
    this.#onChange = onChange;
  }

  /** The first time the tab is shown. */
  show() {
    if (this.#started) return;
    this.#started = true;
    void this.fetch();
  }

  /** Reads them again if they were ever shown (someone else changed them). */
  refresh() {
    if (this.#started) void this.fetch();
  }

  fetch() {
    return this.readFirst(
      () => api.listTodos(this.contactId),
      (todos) => (this.todos = todos),
    );
  }

  async toggle(todo: Todo) {
    const current = this.todos.find((t) => t.id === todo.id);
    if (!current) return;
    const before = { status: current.status, completed_at: current.completed_at };
    const status = current.status === "done" ? "open" : "done";
    current.status = status;
    current.completed_at = status === "done" ? new Date().toISOString() : null;
    try {
      const saved = await api.setTodoStatus(todo.id, status);
      if (current.status === status) Object.assign(current, saved);
      this.#onChange();
    } catch (e) {
      if (current.status === status) Object.assign(current, before);
      throw e;
    }
  }
}

/** The merged timeline of calls, notes and todos, a page at a time. */
export class ActivityState extends CursorReader<ActivityPage> {
  kind = $state<ActivityKind>("all");
  items = $state<ActivityItem[]>([]);
  /** Notes or todos changed since the timeline was read. */
  stale = true;

  protected readPage(cursor: string | null) {
    return api.listActivity(this.contactId, this.kind, cursor);
  }

  protected showPage(page: ActivityPage, first: boolean) {
    if (first) this.items = page.items;
    else this.items.push(...page.items);
  }

  override fetch() {
    this.stale = false;
    return super.fetch();
  }

  /** When the tab is shown: read again only what may have changed. */
  show() {
    if (this.stale) void this.fetch();
  }
}
