import * as api from "../../lib/api";
import { errorMessage, type FeedItem, type FeedKind, type FeedPage, type Message, type PhoneLine, type ReplySuggestions } from "../../lib/api";
import { CursorReader } from "./reader.svelte";

/**
 * A timeline entry as shown. `pending` until the server has accepted a message sent from here;
 * `key` keeps that entry's element when the server's copy replaces it.
 */
export type ViewItem = FeedItem & { pending?: boolean; key?: string };

export type SuggestionsView = { kind: "loading" } | { kind: "failed"; message: string } | ({ kind: "loaded" } & ReplySuggestions);

/** Why the view should move to the newest entry: a load always, a send always, news only when already there. */
export type ScrollReason = "load" | "sent" | "news";

const POLL_EVERY_MS = 2_000;
/** How long after a load or a send the feed is read again while a message is still on its way. */
const POLL_FOR_MS = 30_000;

/** An outbound message the provider has not answered for yet. */
export const inFlight = (m: Message) => m.direction === "outbound" && (m.status === "queued" || m.status === "sending");

export const itemKey = (item: ViewItem) => item.key ?? `${item.kind}-${item.id}`;

/** The feed's order: (at, id) descending, as the server pages it. */
function newestFirst(a: FeedItem, b: FeedItem): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

const matches = (kind: FeedKind, item: FeedItem) => kind === "all" || (kind === "calls") === (item.kind === "call");

/**
 * The center column: calls and messages in one timeline, the message being written, and reply
 * suggestions for inbound messages. Sent messages show at once as queued; the feed is read
 * again every 2 s while any outbound message is still queued or sending, for up to 30 s.
 */
export class ConversationState extends CursorReader<FeedPage> {
  kind = $state<FeedKind>("all");
  /** Newest first, as the server pages them; the view shows them oldest first. */
  items = $state<ViewItem[]>([]);
  /** The organization's phone lines; null until known, or when they could not be read. */
  lines = $state<PhoneLine[] | null>(null);
  /** The text in the compose bar: suggestions are put here to be edited. */
  draft = $state("");
  /** The inbound message whose suggestions panel is open. */
  suggestionsFor = $state<string | null>(null);
  suggestions = $state<Record<string, SuggestionsView>>({});
  /** Bumped when the view should scroll to the newest entry. */
  scroll = $state<{ seq: number; reason: ScrollReason }>({ seq: 0, reason: "load" });

  #pendingIds = 0;
  #pollUntil = 0;
  #pollTimer: ReturnType<typeof setTimeout> | undefined;
  #polling = false;
  #disposed = false;

  /** The entries the filter shows, oldest first. */
  get timeline(): ViewItem[] {
    return this.items.filter((i) => matches(this.kind, i)).reverse();
  }

  #scrollTo(reason: ScrollReason) {
    this.scroll = { seq: this.scroll.seq + 1, reason };
  }

  protected readPage(cursor: string | null) {
    return api.listFeed(this.contactId, this.kind, cursor);
  }

  /** A first page keeps the entries still being sent; older pages go above the ones shown. */
  protected showPage(page: FeedPage, first: boolean) {
    if (!first) {
      const known = new Set(this.items.map((i) => `${i.kind}-${i.id}`));
      this.items.push(...page.items.filter((i) => !known.has(`${i.kind}-${i.id}`)));
      return;
    }
    const pending = this.items.filter((i) => i.pending);
    this.items = [...page.items, ...pending].sort(newestFirst);
    this.#scrollTo("load");
    this.#watch();
  }

  filter(kind: FeedKind) {
    if (kind === this.kind && this.load.kind === "loaded") return;
    this.kind = kind;
    this.suggestionsFor = null;
    void this.fetch();
  }

  /** The lines texts are sent from. Unknown lines do not stop anyone: the server has the last word. */
  async loadLines() {
    try {
      this.lines = await api.listPhoneLines();
    } catch {
      this.lines = null;
    }
  }

  /**
   * Shows the message as queued at once, then the server's copy. A refused message disappears
   * again and the refusal is thrown, in words, for the compose bar to show.
   */
  async send(body: string, sender: { user_id: string; name: string } | null, to: string) {
    if (this.kind === "calls") this.filter("all");
    const now = new Date().toISOString();
    const localId = `pending-${++this.#pendingIds}`;
    const message: Message = {
      id: localId,
      contact_id: this.contactId,
      direction: "outbound",
      from_phone: this.lines?.[0]?.phone_number ?? "",
      to_phone: to,
      body,
      media_urls: [],
      media: [],
      status: "queued",
      status_detail: null,
      error_code: null,
      provider: null,
      provider_message_id: null,
      sent_by: sender,
      created_at: now,
      sent_at: null,
    };
    this.items.unshift({ kind: "message", id: localId, at: now, call: null, message, pending: true, key: localId });
    this.#scrollTo("sent");
    try {
      const saved = await api.sendMessage(this.contactId, body);
      const rest = this.items.filter((i) => i.id !== localId);
      // A poll may have brought the server's copy already: keep that one, it is newer.
      if (!rest.some((i) => i.kind === "message" && i.id === saved.id)) {
        rest.push({ kind: "message", id: saved.id, at: saved.created_at, call: null, message: saved, key: localId });
      }
      this.items = rest.sort(newestFirst);
      this.#watch(true);
    } catch (e) {
      this.items = this.items.filter((i) => i.id !== localId);
      throw e;
    }
  }

  #inFlight() {
    return this.items.some((i) => !i.pending && i.message !== null && inFlight(i.message));
  }

  /** Reads the feed again every few seconds while a message is on its way, for a while. */
  #watch(sent = false) {
    if (sent || this.#pollUntil < Date.now()) this.#pollUntil = Date.now() + POLL_FOR_MS;
    this.#schedule();
  }

  #schedule() {
    if (this.#polling || this.#disposed || !this.#inFlight() || Date.now() >= this.#pollUntil) return;
    this.#polling = true;
    this.#pollTimer = setTimeout(async () => {
      await this.#poll();
      this.#polling = false;
      this.#schedule();
    }, POLL_EVERY_MS);
  }

  /** The newest page again: known entries take the server's state, newer ones join. */
  async #poll() {
    const latest = this.latest();
    let page;
    try {
      page = await api.listFeed(this.contactId, this.kind, null);
    } catch {
      return; // the next poll tries again
    }
    if (!latest() || this.#disposed) return;
    const index = new Map(this.items.map((item, i) => [`${item.kind}-${item.id}`, i]));
    const newest = this.items.find((i) => !i.pending);
    let added = false;
    for (const item of page.items) {
      const i = index.get(`${item.kind}-${item.id}`);
      const current = i === undefined ? undefined : this.items[i];
      if (i !== undefined && current) {
        if (JSON.stringify(current.message) !== JSON.stringify(item.message) || JSON.stringify(current.call) !== JSON.stringify(item.call)) {
          this.items[i] = current.key ? { ...item, key: current.key } : item;
        }
      } else if (!newest || newestFirst(item, newest) < 0) {
        this.items.push(item);
        added = true;
      }
    }
    if (added) {
      this.items.sort(newestFirst);
      this.#scrollTo("news");
    }
  }

  /** Opens or closes an inbound message's suggestions; they are asked for once per message. */
  toggleSuggestions(messageId: string) {
    if (this.suggestionsFor === messageId) {
      this.suggestionsFor = null;
      return;
    }
    this.suggestionsFor = messageId;
    const known = this.suggestions[messageId];
    if (!known || known.kind === "failed") void this.loadSuggestions(messageId);
  }

  async loadSuggestions(messageId: string) {
    this.suggestions[messageId] = { kind: "loading" };
    try {
      this.suggestions[messageId] = { kind: "loaded", ...(await api.suggestReplies(messageId)) };
    } catch (e) {
      this.suggestions[messageId] = { kind: "failed", message: errorMessage(e) };
    }
  }

  /** A suggestion goes into the compose bar, to be edited before it is sent. */
  pick(text: string) {
    this.draft = text;
    this.suggestionsFor = null;
  }

  /** The page moved on: no more polling. */
  dispose() {
    this.#disposed = true;
    clearTimeout(this.#pollTimer);
  }
}
