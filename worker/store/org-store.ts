import { DurableObject } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/durable-sqlite";
import type { PlatformCall } from "../integrations/platform";
import { nowIso } from "../lib/ids";
import { Problem } from "../lib/problem";
import { TurnBatch } from "../lib/turn-batch";
import type { AssignmentQueryT } from "../schemas/assignments";
import type { CallerContextInputT, CallerFacts } from "../schemas/caller-context";
import type { CallInputT } from "../schemas/calls";
import type { ConsentInputT, OutboundCheckInputT } from "../schemas/consent";
import type { AddressInputT, AddressUpdateT, ContactCreateInput, ContactUpdateInput, EmailInputT, EmailUpdateT, ListQuery, ListSelection, PhoneInputT, PhoneUpdateT } from "../schemas/contacts";
import type { Proposal } from "../schemas/enrichment";
import type { InboundInputT, SendInputT } from "../schemas/messages";
import type { NoteCreateT, NotesQueryT } from "../schemas/notes";
import type { TodoInputT } from "../schemas/todos";
import type { ViewInputT, ViewUpdateT } from "../schemas/views";
import type { BulkAction } from "../schemas/bulk";
import type { WebhookEndpointInputT, WebhookEndpointUpdateT } from "../schemas/webhooks";
import type { ImportField, ImportPolicy, ImportRow } from "../lib/import-csv";
import { enqueueWebhookDeliveries } from "../jobs/queues";
import * as activity from "./activity";
import * as assignments from "./assignments";
import * as blocked from "./blocked";
import * as bulk from "./bulk";
import { callerContext } from "./caller-context";
import * as calls from "./calls";
import * as channels from "./channels";
import * as consent from "./consent";
import * as contacts from "./contacts";
import * as duplicates from "./duplicates";
import * as events from "./events";
import * as history from "./history";
import * as merges from "./merges";
import { SCHEMA_VERSION, VERSION_KEY, migrateStore } from "./migrate";
import * as trash from "./trash";
import { SYSTEM, StoreContext, type Who } from "./context";
import * as imports from "./imports";
import * as integrations from "./integrations";
import * as jobs from "./jobs";
import * as members from "./members";
import * as messages from "./messages";
import * as privacy from "./privacy";
import type { DeliveryReceipt } from "./messages";
import * as notes from "./notes";
import * as outbound from "./outbound";
import * as portability from "./portability";
import * as schema from "./schema";
import * as settings from "./settings";
import * as tags from "./tags";
import * as todos from "./todos";
import * as views from "./views";
import * as webhooks from "./webhooks";

/** What a store method answers: its value, or the problem to answer the request with. */
export type Answer<T> = { ok: true; value: T } | { ok: false; problem: { status: Problem["status"]; detail: string; extra: Problem["extra"] } };

const DELETED_KEY = "deleted_at";
/** What OrgStore.call does not run: the runtime's handlers (the object's own helpers are #private). */
const NOT_CALLABLE = new Set(["constructor", "call", "fetch", "alarm", "destroy", "webSocketMessage", "webSocketClose", "webSocketError"]);
/** A live socket is re-authenticated (closed with 4001, the tab reconnects) after this long. */
const LIVE_RECHECK_MS = 15 * 60_000;
interface LiveSocket {
  memberId: string;
  /** When it was opened (epoch ms). */
  at: number;
}
/** The problem code a deleted organization's store answers with. */
export const ORGANIZATION_DELETED = "organization_deleted";
const DIRECTORY_KEY = "directory_version";
const BLOB_BATCH = 1000;
const RESTORE_KEY = "restore";
const PRUNED_KEY = "webhook_log_pruned_at";
/** Deliveries handed to the queue per sendBatch (its maximum is 100). */
const WEBHOOK_BATCH = 100;
const RESTORE_TIMEOUT_MS = 15 * 60_000;
interface Restore {
  id: string;
  at: number;
  membersBefore: string[];
  defaultRegion?: string;
  quietHours?: { timezone: string | null; start: string; end: string };
}

/**
 * One organization's store: a SQLite Durable Object (idFromName(organization id)) holding
 * everything of that organization: contacts and their channels, tags, assignments, calls and
 * analyses, messages, notes, todos, memory, phone lines, settings, job state and the search
 * index. It migrates itself on first use after a deploy. Every method below is one Workers RPC
 * and one SQLite transaction (a new caller's stub: a savepoint in a transaction shared with the
 * others of the same turn, #inTurn); domain errors come back as problems (Answer), since an
 * error's own properties do not cross RPC.
 */
export class OrgStore extends DurableObject<Env> {
  private readonly s: StoreContext;
  private deleted: boolean;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const organizationId = ctx.id.name;
    if (!organizationId) throw new Error("an organization store is addressed by the organization id (idFromName)");
    this.s = new StoreContext(drizzle(ctx.storage, { schema }), ctx.storage.sql, organizationId, () => this.#scheduleAlarm());
    this.deleted = ctx.storage.kv.get(DELETED_KEY) !== undefined;
    if (!this.deleted) ctx.blockConcurrencyWhile(() => this.#migrate());
    // Open tabs ping; the runtime answers without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    this.#countLive();
  }

  /**
   * A member's live connection (GET /api/live, authenticated by the Worker, which names the
   * member): a hibernatable WebSocket that receives every committed change's events.
   */
  override async fetch(request: Request): Promise<Response> {
    if (new URL(request.url).pathname !== "/live" || request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response(null, { status: 404 });
    if (this.deleted) return new Response(null, { status: 401 });
    const memberId = request.headers.get("x-member-id") ?? "";
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server, [`member:${memberId}`]);
    server.serializeAttachment({ memberId, at: Date.now() } satisfies LiveSocket);
    this.#countLive();
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage() {
    // Nothing is read from tabs ("ping" is answered by the runtime).
  }

  override webSocketClose(ws: WebSocket, code: number) {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closed");
    } catch {
      // Already closed.
    }
    this.#countLive();
  }

  override webSocketError() {
    this.#countLive();
  }

  #countLive() {
    this.s.live = this.ctx.getWebSockets().some((ws) => ws.readyState === WebSocket.OPEN);
  }

  /**
   * Sends a committed transaction's events to every open tab. A socket older than LIVE_RECHECK_MS
   * is closed instead (code 4001): the tab reconnects through the Worker, which checks the
   * session again, so a revoked session stops receiving within that time.
   */
  #broadcast(events: { type: string; data: Record<string, unknown> }[]) {
    const message = JSON.stringify({ events });
    const now = Date.now();
    for (const ws of this.ctx.getWebSockets()) {
      const socket = ws.deserializeAttachment() as LiveSocket | null;
      try {
        if (!socket || now - socket.at > LIVE_RECHECK_MS) ws.close(4001, "Reconnect to check the session");
        else ws.send(message);
      } catch {
        // A socket closing meanwhile.
      }
    }
    this.#countLive();
  }

  /** Closes the live sockets of one member (removed from the organization), or all of them. */
  #closeLive(code: number, reason: string, memberId?: string) {
    for (const ws of this.ctx.getWebSockets(memberId ? `member:${memberId}` : undefined)) {
      try {
        ws.close(code, reason);
      } catch {
        // Already closed.
      }
    }
    this.#countLive();
  }

  /** Applies the migrations this store has not run yet and records its schema version. */
  async #migrate() {
    await migrateStore(this.ctx.storage, this.s.db);
    const version = SCHEMA_VERSION;
    const now = nowIso();
    this.ctx.storage.sql.exec(
      "INSERT INTO store_settings (id, organization_id, default_region, created_at, updated_at) VALUES (1, ?, 'US', ?, ?) ON CONFLICT (id) DO NOTHING",
      this.s.organizationId,
      now,
      now,
    );
    if (this.ctx.storage.kv.get(DIRECTORY_KEY) !== version) this.ctx.waitUntil(this.#recordInDirectory(version));
  }

  /** The D1 directory row (schema version, last migrated); retried at the next start if D1 fails. */
  async #recordInDirectory(version: number) {
    const created = this.ctx.storage.sql.exec("SELECT created_at FROM store_settings WHERE id = 1").one().created_at as string;
    const now = nowIso();
    try {
      await this.env.DB.prepare(
        `INSERT INTO organization_directory (organization_id, store_schema_version, created_at, last_migrated_at)
         SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM organization WHERE id = ?1)
         ON CONFLICT (organization_id) DO UPDATE SET store_schema_version = ?2, last_migrated_at = ?4`,
      )
        .bind(this.s.organizationId, version, created, now)
        .run();
      this.ctx.storage.kv.put(DIRECTORY_KEY, version);
    } catch (err) {
      console.error("organization directory update failed; retried at the next start", err);
    }
  }

  /**
   * Runs one of the methods below (an Answer each, or a promise of one) for `who`: the member or
   * API key of the Worker's request, whom the field history names. One RPC, like calling the method.
   */
  call(method: string, args: unknown[], who: Who | null): Answer<unknown> | Promise<Answer<unknown>> {
    const fn = (this as unknown as Record<string, unknown>)[method];
    if (typeof fn !== "function" || NOT_CALLABLE.has(method)) throw new Error(`The organization store has no method ${method}.`);
    this.s.who = who ?? SYSTEM;
    try {
      return (fn as (...a: unknown[]) => Answer<unknown> | Promise<Answer<unknown>>).apply(this, args);
    } finally {
      this.s.who = SYSTEM;
    }
  }

  #answer<T>(fn: (s: StoreContext) => T): Answer<T> {
    if (this.deleted) return { ok: false, problem: { status: 401, detail: "This organization no longer exists.", extra: { code: ORGANIZATION_DELETED } } };
    try {
      const value = this.ctx.storage.transactionSync(() => fn(this.s));
      if (this.s.liveEvents.length) this.#broadcast(this.s.liveEvents.splice(0));
      return { ok: true, value };
    } catch (err) {
      this.s.reset();
      if (err instanceof Problem) return { ok: false, problem: { status: err.status, detail: err.detail, extra: err.extra } };
      throw err;
    }
  }

  /**
   * Runs `fn` as #answer does, but together with every other #inTurn call that reaches the store
   * in the same turn of the event loop (until a 0 ms timer fires): one transaction and one
   * commit for all of them, each in its own savepoint (a nested transactionSync: a failure rolls
   * back its own changes only), each answer leaving once that transaction has committed.
   */
  #inTurn<T>(fn: (s: StoreContext) => T): Promise<Answer<T>> {
    const who = this.s.who;
    return this.#turn.add(() => {
      this.s.who = who;
      try {
        return this.#answer(fn);
      } finally {
        this.s.who = SYSTEM;
      }
    }) as Promise<Answer<T>>;
  }

  readonly #turn = new TurnBatch<() => Answer<unknown>, Answer<unknown>>((queued) =>
    this.ctx.storage.transactionSync(() =>
      queued.map((run) => {
        try {
          return run();
        } catch (err) {
          return err instanceof Error ? err : new Error(String(err));
        }
      }),
    ),
  );

  /**
   * Runs `fn` in a transaction that is always rolled back: what a change would do, without doing it
   * (an import's preview).
   */
  #dryRun<T>(fn: (s: StoreContext) => T): Answer<T> {
    let done: { value: T } | null = null;
    const answer = this.#answer<T>((s) => {
      done = { value: fn(s) };
      throw new Problem(409, "rolled back");
    });
    return done ? { ok: true, value: (done as { value: T }).value } : answer;
  }

  /** A change to one contact: answered like any other, and contact.updated emitted with what changed. */
  #changing<T>(contactId: string, fn: (s: StoreContext) => T): Answer<T> {
    return this.#answer((s) => events.trackContact(s, contactId, () => fn(s)));
  }

  #scheduleAlarm() {
    this.ctx.storage.setAlarm(Date.now());
  }

  /**
   * Deletes R2 objects nothing refers to any more (blob_deletions), hands due webhook deliveries
   * to the webhook queue and drops old delivery logs; after a deletion, deletes every R2 object.
   */
  override async alarm() {
    if (this.deleted) {
      const listed = await this.env.BLOBS.list({ prefix: `${this.s.organizationId}/`, limit: BLOB_BATCH });
      if (listed.objects.length) await this.env.BLOBS.delete(listed.objects.map((o) => o.key));
      if (listed.truncated) this.#scheduleAlarm();
      return;
    }
    const sql = this.ctx.storage.sql;
    const keys = sql.exec<{ key: string }>("SELECT key FROM blob_deletions LIMIT ?", BLOB_BATCH).toArray().map((r) => r.key);
    if (keys.length) {
      await this.env.BLOBS.delete(keys);
      this.ctx.storage.transactionSync(() => {
        for (const key of keys) sql.exec("DELETE FROM blob_deletions WHERE key = ?", key);
      });
    }
    await this.#dispatchWebhooks();
    this.#pruneWebhookLog();
    this.#bulkStep();
    this.#answer((s) => imports.expireImports(s, Date.now()));
    this.#wake();
  }

  /** One chunk of the running bulk change (the alarm comes back at once for the next). */
  #bulkStep() {
    const id = this.ctx.storage.transactionSync(() => bulk.runningBulkJob(this.s));
    if (!id) return;
    try {
      const answer = this.#answer((s) => bulk.bulkStep(s, id));
      if (!answer.ok) throw new Error(answer.problem.detail);
    } catch (err) {
      console.error("bulk change failed", err);
      this.#answer((s) => bulk.failBulk(s, id, err instanceof Error ? err.message : String(err)));
    }
  }

  /** Due deliveries to the webhook queue (marked queued first; put back if the queue refuses them). */
  async #dispatchWebhooks() {
    for (;;) {
      const ids = this.ctx.storage.transactionSync(() => webhooks.takeDue(this.s, WEBHOOK_BATCH));
      if (ids.length === 0) return;
      try {
        await enqueueWebhookDeliveries(this.env, this.s.organizationId, ids);
      } catch (err) {
        this.ctx.storage.transactionSync(() => webhooks.untake(this.s, ids));
        throw err;
      }
      if (ids.length < WEBHOOK_BATCH) return;
    }
  }

  #pruneWebhookLog() {
    const last = this.ctx.storage.kv.get<number>(PRUNED_KEY) ?? 0;
    if (last > Date.now() - 86_400_000) return;
    const before = new Date(Date.now() - webhooks.WEBHOOK_LOG_DAYS * 86_400_000).toISOString();
    this.ctx.storage.transactionSync(() => webhooks.pruneWebhookLog(this.s, before));
    this.ctx.storage.kv.put(PRUNED_KEY, Date.now());
  }

  /** Sets the alarm for what waits next: R2 deletions and bulk changes now, else the next webhook delivery due or import to expire. */
  #wake() {
    const due =
      this.ctx.storage.sql.exec("SELECT 1 FROM blob_deletions LIMIT 1").toArray().length > 0 ||
      this.ctx.storage.sql.exec("SELECT 1 FROM bulk_jobs WHERE status = 'running' LIMIT 1").toArray().length > 0;
    const later = [webhooks.nextWakeAt(this.s), imports.nextImportExpiry(this.s)].filter((t) => t !== null);
    const at = due ? Date.now() : later.length ? Math.min(...later) : null;
    if (at !== null) this.ctx.storage.setAlarm(Math.max(at, Date.now()));
  }

  /**
   * The organization was deleted: every row goes now, its R2 objects in the alarm, and the store
   * answers 401 from then on (so a cached API key of the organization stops working at once).
   */
  async destroy(): Promise<void> {
    await this.ctx.storage.deleteAll();
    this.ctx.storage.kv.put(DELETED_KEY, nowIso());
    this.deleted = true;
    this.#closeLive(4401, "The organization was deleted");
    this.#scheduleAlarm();
  }

  // Contacts
  listContacts(q: ListQuery, memberId: string | null) { return this.#answer((s) => contacts.listContacts(s, q, memberId)); }
  getContact(id: string) { return this.#answer((s) => contacts.loadContact(s, id)); }
  createContact(body: ContactCreateInput) {
    return this.#answer((s) => {
      const contact = contacts.createContact(s, body);
      events.contactCreated(s, contact);
      return contact;
    });
  }
  updateContact(id: string, body: ContactUpdateInput) { return this.#answer((s) => events.trackContact(s, id, () => contacts.updateContact(s, id, body), undefined, (c) => [c])); }
  /** DELETE /api/contacts/{id}: into the trash (restorable for 30 days). */
  deleteContact(id: string) { return this.#answer((s) => trash.trashContact(s, id)); }
  listTrash(cursor: string | undefined, limit: number) { return this.#answer((s) => trash.listTrash(s, cursor, limit)); }
  restoreContact(id: string) { return this.#answer((s) => trash.restoreContact(s, id)); }
  /** The daily purge (cron): trash and merge copies past their 30 days go for good. */
  purgeExpired(now?: string) { return this.#answer((s) => trash.purgeExpired(s, now)); }
  history(contactId: string, cursor: string | undefined, limit: number) { return this.#answer((s) => history.historyOf(s, contactId, cursor, limit)); }
  mergeContacts(id: string, others: string[], fields: Partial<Record<merges.MergeField, string>>) { return this.#answer((s) => merges.mergeContacts(s, id, others, fields)); }
  undoMerge(id: string) { return this.#answer((s) => merges.undoMerge(s, id)); }
  listMerges(limit: number, survivorId?: string) { return this.#answer((s) => merges.listMerges(s, limit, survivorId)); }
  listDuplicates(limit: number, cursor?: string) { return this.#answer((s) => duplicates.listDuplicates(s, limit, cursor)); }
  duplicatesOf(contactId: string) { return this.#answer((s) => duplicates.duplicatesOf(s, contactId)); }
  dismissDuplicate(ids: [string, string]) { return this.#answer((s) => duplicates.dismissDuplicate(s, ids)); }
  contactFacets() { return this.#answer((s) => contacts.contactFacets(s)); }
  matchingIds(q: ListSelection, memberId: string | null) { return this.#answer((s) => contacts.matchingIds(s, q, memberId)); }
  exportRows(ids: string[]) { return this.#answer((s) => contacts.exportRows(s, ids)); }
  personalData(id: string) { return this.#answer((s) => privacy.personalData(s, id)); }
  eraseContact(id: string, actor: members.Actor) { return this.#answer((s) => privacy.eraseContact(s, id, actor)); }
  listErasures() { return this.#answer((s) => privacy.listErasures(s)); }
  addPhone(contactId: string, body: PhoneInputT) { return this.#changing(contactId, (s) => channels.addPhone(s, contactId, body)); }
  updatePhone(contactId: string, id: string, body: PhoneUpdateT) { return this.#changing(contactId, (s) => channels.updatePhone(s, contactId, id, body)); }
  deletePhone(contactId: string, id: string) { return this.#changing(contactId, (s) => channels.deletePhone(s, contactId, id)); }
  addEmail(contactId: string, body: EmailInputT) { return this.#changing(contactId, (s) => channels.addEmail(s, contactId, body)); }
  updateEmail(contactId: string, id: string, body: EmailUpdateT) { return this.#changing(contactId, (s) => channels.updateEmail(s, contactId, id, body)); }
  deleteEmail(contactId: string, id: string) { return this.#changing(contactId, (s) => channels.deleteEmail(s, contactId, id)); }
  addAddress(contactId: string, body: AddressInputT) { return this.#changing(contactId, (s) => channels.addAddress(s, contactId, body)); }
  updateAddress(contactId: string, id: string, body: AddressUpdateT) { return this.#changing(contactId, (s) => channels.updateAddress(s, contactId, id, body)); }
  deleteAddress(contactId: string, id: string) { return this.#changing(contactId, (s) => channels.deleteAddress(s, contactId, id)); }

  // Tags and assignments
  listTags() { return this.#answer((s) => tags.listTags(s)); }
  createTag(body: { name: string; color: string }) { return this.#answer((s) => tags.createTag(s, body)); }
  updateTag(id: string, body: { name?: string; color?: string }) { return this.#answer((s) => tags.updateTag(s, id, body)); }
  deleteTag(id: string) { return this.#answer((s) => tags.deleteTag(s, id)); }
  tagContact(contactId: string, tagId: string) { return this.#changing(contactId, (s) => tags.tagContact(s, contactId, tagId)); }
  untagContact(contactId: string, tagId: string) { return this.#changing(contactId, (s) => tags.untagContact(s, contactId, tagId)); }
  listAssignments(q: AssignmentQueryT) { return this.#answer((s) => assignments.listAssignments(s, q)); }
  assign(contactId: string, member: members.MemberRecord) { return this.#changing(contactId, (s) => assignments.assign(s, contactId, member)); }
  unassign(contactId: string, memberId: string) { return this.#changing(contactId, (s) => assignments.unassign(s, contactId, memberId)); }

  // Members (copied from D1)
  upsertMember(member: members.MemberRecord) { return this.#answer((s) => members.upsertMember(s, member)); }
  removeMember(memberId: string) {
    const answer = this.#answer((s) => members.removeMember(s, memberId));
    this.#closeLive(4403, "No longer a member of this organization", memberId);
    return answer;
  }
  renameUser(userId: string, name: string, email: string) { return this.#answer((s) => members.renameUser(s, userId, name, email)); }

  // Notes, todos, activity
  listNotes(contactId: string, q: NotesQueryT, viewer: notes.Viewer) { return this.#answer((s) => notes.listNotes(s, contactId, q, viewer)); }
  createNote(contactId: string, body: NoteCreateT, actor: members.Actor & notes.Viewer) { return this.#answer((s) => notes.createNote(s, contactId, body, actor)); }
  updateNote(id: string, body: string, viewer: notes.Viewer) { return this.#answer((s) => notes.updateNote(s, id, body, viewer)); }
  deleteNote(id: string, viewer: notes.Viewer) { return this.#answer((s) => notes.deleteNote(s, id, viewer)); }
  listTodos(contactId: string) { return this.#answer((s) => todos.listTodos(s, contactId)); }
  createTodo(contactId: string, body: TodoInputT, createdByUserId: string | null) { return this.#answer((s) => todos.createTodo(s, contactId, body, createdByUserId)); }
  setTodoStatus(id: string, status: "open" | "done") { return this.#answer((s) => todos.setTodoStatus(s, id, status)); }
  activity(contactId: string, q: { kinds: activity.ActivityKind[]; cursor?: string; limit: number }) { return this.#answer((s) => activity.activity(s, contactId, q)); }

  // Calls
  /**
   * What a voice agent is told before it speaks. A known caller's in one transaction; a new
   * number's stub is made in this turn's shared transaction (#inTurn), as resolve's are.
   */
  callerContext(input: CallerContextInputT): Answer<CallerFacts> | Promise<Answer<CallerFacts>> {
    const known = this.#answer((s) => {
      const found = calls.lookupCaller(s, input.phone);
      return "stubFor" in found ? null : callerContext(s, input, found);
    });
    if (!known.ok || known.value) return known as Answer<CallerFacts>;
    return this.#inTurn((s) => callerContext(s, input));
  }

  /**
   * resolve_contact. A known, withheld, invalid or blocked number is answered at once (a value,
   * not a promise); a new number's stub is made in this turn's shared transaction (#inTurn): a
   * burst of new callers pays one commit, not one each. No contact is ever made twice: the stub
   * is made by resolveCaller inside that transaction, which finds the contact the number got
   * meanwhile (another request of the batch, a recorded call, an edit) instead of making a second.
   */
  resolve(phone: string, source: string): Answer<calls.Resolution> | Promise<Answer<calls.Resolution>> {
    const found = this.#answer((s) => calls.lookupCaller(s, phone));
    if (!found.ok || !("stubFor" in found.value)) return found as Answer<calls.Resolution>;
    return this.#inTurn((s) => calls.resolveCaller(s, phone, source));
  }

  recordCall(body: CallInputT) { return this.#answer((s) => calls.recordCall(s, body)); }
  assertCall(id: string) { return this.#answer((s) => calls.assertCall(s, id)); }
  saveTranscription(id: string, t: { key: string; chars: number; ended_at?: string; duration_seconds?: number }) { return this.#answer((s) => calls.saveTranscription(s, id, t)); }
  requestEnrichment(id: string) { return this.#answer((s) => calls.requestEnrichment(s, id)); }
  addAnalysis(callId: string, analyzer: string, results: Record<string, unknown>) { return this.#answer((s) => calls.addAnalysis(s, callId, analyzer, results)); }
  contactCalls(contactId: string) { return this.#answer((s) => calls.contactCalls(s, contactId)); }

  // Messages
  recordInbound(body: InboundInputT) { return this.#answer((s) => messages.recordInbound(s, body)); }
  listMessages(contactId: string, limit: number) { return this.#answer((s) => messages.listMessages(s, contactId, limit)); }
  queueOutbound(contactId: string, body: SendInputT, actor: members.Actor) { return this.#answer((s) => messages.queueOutbound(s, contactId, body, actor)); }
  feed(contactId: string, q: { kind: "all" | "calls" | "messages"; cursor?: string; limit: number }) { return this.#answer((s) => messages.feed(s, contactId, q)); }
  mediaToFetch(messageId: string) { return this.#answer((s) => messages.mediaToFetch(s, messageId)); }
  recordMedia(messageId: string, position: number, outcome: { key: string; contentType: string; bytes: number } | { error: string }) { return this.#answer((s) => messages.recordMedia(s, messageId, position, outcome)); }
  mediaItem(messageId: string, position: number) { return this.#answer((s) => messages.mediaItem(s, messageId, position)); }
  memory(contactId: string) { return this.#answer((s) => messages.memory(s, contactId)); }
  suggestionSources(messageId: string) { return this.#answer((s) => messages.suggestionSources(s, messageId)); }
  memorySources(contactId: string) { return this.#answer((s) => messages.memorySources(s, contactId)); }
  saveMemory(contactId: string, m: { content: string; sources: string[]; model: string }) { return this.#answer((s) => messages.saveMemory(s, contactId, m)); }

  // Settings and lines
  settings() { return this.#answer((s) => settings.settings(s)); }
  updateSettings(patch: Parameters<typeof settings.updateSettings>[1]) { return this.#answer((s) => settings.updateSettings(s, patch)); }

  // Consent and the outbound gate
  consent(contactId: string) { return this.#answer((s) => consent.consentOf(s, contactId)); }
  setConsent(contactId: string, body: ConsentInputT, actor: { userId: string; name: string } | null) { return this.#answer((s) => consent.setConsent(s, contactId, body, actor)); }
  checkOutbound(input: OutboundCheckInputT) { return this.#answer((s) => outbound.checkOutbound(s, input)); }
  listBlocked() { return this.#answer((s) => blocked.listBlocked(s)); }
  blockNumber(body: { phone_number: string; reason?: string }, actor: { userId: string; name: string }) { return this.#answer((s) => blocked.blockNumber(s, body, actor)); }
  unblockNumber(id: string) { return this.#answer((s) => blocked.unblockNumber(s, id)); }
  listLines() { return this.#answer((s) => settings.listLines(s)); }
  addLine(body: { name: string; phone_number: string }) { return this.#answer((s) => settings.addLine(s, body)); }
  deleteLine(id: string) { return this.#answer((s) => settings.deleteLine(s, id)); }

  // Voice-platform integrations (configured in D1)
  integrationStatuses(ids: string[]) { return this.#answer((s) => integrations.integrationStatuses(s, ids)); }
  removeIntegrationStatus(id: string) { return this.#answer((s) => integrations.removeIntegrationStatus(s, id)); }
  /**
   * The caller's context for a platform's ring-time webhook, noted on the integration. Every one
   * writes (the note, and a new caller's stub), so it shares the turn's transaction (#inTurn): a
   * burst of ringing calls pays one commit.
   */
  platformCallerContext(id: string, event: string, input: CallerContextInputT) {
    return this.#inTurn((s) => {
      integrations.noteIntegrationEvent(s, id, event);
      return callerContext(s, input);
    });
  }
  noteIntegrationEvent(id: string, event: string, error: string | null = null) { return this.#answer((s) => integrations.noteIntegrationEvent(s, id, event, error)); }
  recordPlatformCall(id: string, source: "retell" | "vapi", event: string, call: PlatformCall & { transcriptKey?: string }) {
    return this.#answer((s) => integrations.recordPlatformCall(s, id, source, event, call));
  }
  recordPlatformMessages(id: string, event: string, chat: Parameters<typeof integrations.recordPlatformMessages>[3]) {
    return this.#answer((s) => integrations.recordPlatformMessages(s, id, event, chat));
  }
  recordTwilioMessage(id: string, body: InboundInputT) { return this.#answer((s) => integrations.recordTwilioMessage(s, id, body)); }
  recordTwilioReceipt(id: string | null, receipt: DeliveryReceipt) { return this.#answer((s) => integrations.recordTwilioReceipt(s, id, receipt)); }

  // Webhooks (endpoints, the outbox's deliveries)
  listWebhookEndpoints() { return this.#answer((s) => webhooks.listEndpoints(s)); }
  createWebhookEndpoint(id: string, body: WebhookEndpointInputT, secretCiphertext: string, createdByUserId: string | null) {
    return this.#answer((s) => webhooks.createEndpoint(s, id, body, secretCiphertext, createdByUserId));
  }
  updateWebhookEndpoint(id: string, body: WebhookEndpointUpdateT) { return this.#answer((s) => webhooks.updateEndpoint(s, id, body)); }
  deleteWebhookEndpoint(id: string) { return this.#answer((s) => webhooks.deleteEndpoint(s, id)); }
  sendTestWebhook(id: string) { return this.#answer((s) => webhooks.sendTestEvent(s, id)); }
  listWebhookDeliveries(endpointId: string, cursor: string | undefined, limit: number) { return this.#answer((s) => webhooks.listDeliveries(s, endpointId, cursor, limit)); }
  redeliverWebhook(endpointId: string, deliveryId: string) { return this.#answer((s) => webhooks.redeliver(s, endpointId, deliveryId)); }
  /** Claims deliveries for one attempt each (a consumer's batch in one call). */
  claimWebhookDeliveries(ids: string[]) { return this.#answer((s) => ids.map((id) => webhooks.claimDelivery(s, id))); }
  /** Records attempts; a retry sets the alarm for when it is due. */
  finishWebhookAttempts(outcomes: { id: string; outcome: webhooks.AttemptOutcome }[]) {
    const answer = this.#answer((s) => outcomes.map(({ id, outcome }) => webhooks.finishAttempt(s, id, outcome)));
    this.#wake();
    return answer;
  }

  // Bulk changes
  startBulk(action: BulkAction, target: bulk.BulkTarget, actor: members.Actor, member: members.MemberRecord | null) {
    return this.#answer((s) => bulk.startBulk(s, action, target, actor, member));
  }
  getBulkJob(id: string) { return this.#answer((s) => bulk.getBulkJob(s, id)); }

  // Saved views of the contact list
  listViews(viewer: notes.Viewer & { userId: string }) { return this.#answer((s) => views.listViews(s, viewer)); }
  createView(body: ViewInputT, actor: members.Actor & notes.Viewer) { return this.#answer((s) => views.createView(s, body, actor)); }
  updateView(id: string, body: ViewUpdateT, viewer: notes.Viewer) { return this.#answer((s) => views.updateView(s, id, body, viewer)); }
  deleteView(id: string, viewer: notes.Viewer) { return this.#answer((s) => views.deleteView(s, id, viewer)); }

  // CSV imports
  createImport(input: imports.NewImport, actor: members.Actor) {
    const answer = this.#answer((s) => imports.createImport(s, input, actor));
    this.#wake();
    return answer;
  }
  getImport(id: string) { return this.#answer((s) => imports.getImport(s, id)); }
  listImports(limit: number) { return this.#answer((s) => imports.listImports(s, limit)); }
  updateImport(id: string, patch: { mapping?: (ImportField | null)[]; policy?: ImportPolicy }) { return this.#answer((s) => imports.updateImport(s, id, patch)); }
  startImport(id: string, patch: { mapping?: (ImportField | null)[]; policy?: ImportPolicy }) { return this.#answer((s) => imports.startImport(s, id, patch)); }
  cancelImport(id: string) { return this.#answer((s) => imports.cancelImport(s, id)); }
  deleteImport(id: string) { return this.#answer((s) => imports.deleteImport(s, id)); }
  failImport(id: string, detail: string) { return this.#answer((s) => imports.failImport(s, id, detail)); }
  importPlan(id: string) { return this.#answer((s) => imports.importPlan(s, id)); }
  applyImportChunk(id: string, index: number, rows: ImportRow[]) { return this.#answer((s) => imports.applyChunk(s, id, index, rows)); }
  previewSource(id: string) { return this.#answer((s) => imports.previewSource(s, id)); }
  /** What the preview's rows would come to, written in a transaction that is rolled back. */
  previewImport(id: string, rows: ImportRow[], policy?: ImportPolicy) { return this.#dryRun((s) => imports.previewRows(s, id, rows, policy)); }
  importErrors(id: string, afterLine: number, limit: number) { return this.#answer((s) => imports.failedRows(s, id, afterLine, limit)); }

  // Backups
  schemaVersion() { return this.#answer(() => this.ctx.storage.kv.get<number>(VERSION_KEY) ?? 0); }
  exportPage(kind: portability.ExportKind, after: string | null, limit: number) { return this.#answer((s) => portability.exportPage(s, kind, after, limit)); }
  /** Starts restore `id` (one at a time per store; a restore left unfinished for 15 minutes is void). */
  restoreBegin(id: string, current: members.MemberRecord[]) {
    return this.#answer((s) => {
      const running = this.ctx.storage.kv.get<Restore>(RESTORE_KEY);
      if (running && running.at > Date.now() - RESTORE_TIMEOUT_MS) throw new Problem(409, "Another restore into this organization is running.");
      const membersBefore = portability.memberIds(s);
      portability.restoreBegin(s, current);
      this.ctx.storage.kv.put<Restore>(RESTORE_KEY, { id, at: Date.now(), membersBefore });
    });
  }
  restoreBatch(id: string, lines: portability.RestoreLine[]) {
    return this.#answer((s) => {
      const restore = this.#restoring(id);
      const { defaultRegion, quietHours } = portability.restoreBatch(s, lines);
      this.ctx.storage.kv.put<Restore>(RESTORE_KEY, { ...restore, at: Date.now(), defaultRegion: defaultRegion ?? restore.defaultRegion, quietHours: quietHours ?? restore.quietHours });
    });
  }
  /** Finishes restore `id`: applies its settings; answers the messages whose media are to be copied again. */
  restoreEnd(id: string) {
    return this.#answer((s) => {
      const restore = this.#restoring(id);
      if (restore.defaultRegion) s.setDefaultRegion(restore.defaultRegion);
      if (restore.quietHours) s.setQuietHours(restore.quietHours);
      this.ctx.storage.kv.delete(RESTORE_KEY);
      return portability.messagesWithMedia(s);
    });
  }
  restoreAbort(id: string) {
    return this.#answer((s) => {
      portability.restoreAbort(s, this.#restoring(id).membersBefore);
      this.ctx.storage.kv.delete(RESTORE_KEY);
    });
  }
  #restoring(id: string): Restore {
    const restore = this.ctx.storage.kv.get<Restore>(RESTORE_KEY);
    if (restore?.id !== id) throw new Problem(409, "This restore is no longer running.");
    return restore;
  }


  // Background jobs
  claimEnrichment(callId: string) { return this.#answer((s) => jobs.claimEnrichment(s, callId)); }
  finishEnrichment(callId: string, status: jobs.EnrichmentStatus, detail: string, usage?: jobs.Usage, optOutQuote: string | null = null) {
    return this.#answer((s) => jobs.finishEnrichment(s, callId, status, detail, usage, optOutQuote));
  }
  retryEnrichment(callId: string, reason: string) { return this.#answer((s) => jobs.retryEnrichment(s, callId, reason)); }
  applyEnrichment(callId: string, contactId: string, proposal: Proposal, detail: string, usage: jobs.Usage, optOutQuote: string | null) {
    return this.#answer((s) => jobs.applyEnrichment(s, callId, contactId, proposal, detail, usage, optOutQuote));
  }
  enrichmentDeadLetter(callId: string) { return this.#answer((s) => jobs.enrichmentDeadLetter(s, callId)); }
  claimSend(messageId: string, providerConfigured: boolean) { return this.#answer((s) => jobs.claimSend(s, messageId, providerConfigured)); }
  finishSend(messageId: string, status: string, detail: string | null, extra?: Parameters<typeof jobs.finishSend>[4]) {
    return this.#answer((s) => jobs.finishSend(s, messageId, status, detail, extra));
  }
  retrySend(messageId: string, reason: string) { return this.#answer((s) => jobs.retrySend(s, messageId, reason)); }
  sendDeadLetter(messageId: string) { return this.#answer((s) => jobs.sendDeadLetter(s, messageId)); }
}
