import { sql } from "drizzle-orm";
import { newId, nowIso } from "../lib/ids";
import { Problem, notFound } from "../lib/problem";
import { TEST_EVENT, type WebhookDeliveryT, type WebhookEndpointInputT, type WebhookEndpointT, type WebhookEndpointUpdateT } from "../schemas/webhooks";
import type { StoreContext } from "./context";

// Webhook endpoints, the outbox (webhook_events) and its deliveries. Events are written by
// StoreContext.emit inside the change's own transaction; the store's alarm hands due deliveries
// to the webhook queue (takeDue), whose consumer claims one, POSTs it and reports the outcome
// (finishAttempt). The retry policy lives in the consumer (worker/jobs/deliver-webhook.ts); this
// module keeps the state.

/** A queued delivery nobody claimed, or a claimed one nobody finished, is due again after this. */
const QUEUED_LEASE_MS = 5 * 60_000;
const SENDING_LEASE_MS = 2 * 60_000;
/** Finished deliveries and their events are kept this long for the log. */
export const WEBHOOK_LOG_DAYS = 30;
const PAGE_MAX = 100;

type Status = WebhookDeliveryT["status"];

interface EndpointRow {
  id: string;
  url: string;
  description: string;
  event_types: string;
  enabled: number;
  disabled_reason: string | null;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
  last_delivery_at: string | null;
  last_delivery_status: Status | null;
}

const endpointJson = (r: EndpointRow): WebhookEndpointT => ({
  id: r.id,
  url: r.url,
  description: r.description,
  event_types: JSON.parse(r.event_types),
  enabled: r.enabled === 1,
  disabled_reason: r.disabled_reason,
  disabled_at: r.disabled_at,
  created_at: r.created_at,
  updated_at: r.updated_at,
  last_delivery_at: r.last_delivery_at,
  last_delivery_status: r.last_delivery_status,
});

const ENDPOINT_SELECT = sql`SELECT e.id, e.url, e.description, e.event_types, e.enabled, e.disabled_reason, e.disabled_at, e.created_at, e.updated_at,
  (SELECT d.updated_at FROM webhook_deliveries d WHERE d.endpoint_id = e.id ORDER BY d.seq DESC LIMIT 1) AS last_delivery_at,
  (SELECT d.status FROM webhook_deliveries d WHERE d.endpoint_id = e.id ORDER BY d.seq DESC LIMIT 1) AS last_delivery_status
  FROM webhook_endpoints e`;

export function listEndpoints(s: StoreContext): WebhookEndpointT[] {
  return s.all<EndpointRow>(sql`${ENDPOINT_SELECT} ORDER BY e.created_at, e.id`).map(endpointJson);
}

function endpoint(s: StoreContext, id: string): WebhookEndpointT {
  const row = s.get<EndpointRow>(sql`${ENDPOINT_SELECT} WHERE e.id = ${id}`);
  if (!row) throw notFound("Webhook endpoint");
  return endpointJson(row);
}

export function createEndpoint(s: StoreContext, id: string, body: WebhookEndpointInputT, secretCiphertext: string, createdByUserId: string | null): WebhookEndpointT {
  const now = nowIso();
  s.run(sql`INSERT INTO webhook_endpoints (id, url, description, event_types, enabled, secret_ciphertext, created_by_user_id, created_at, updated_at)
    VALUES (${id}, ${body.url}, ${body.description ?? ""}, ${JSON.stringify(body.event_types)}, 1, ${secretCiphertext}, ${createdByUserId}, ${now}, ${now})`);
  s.forgetSubscribers();
  return endpoint(s, id);
}

export function updateEndpoint(s: StoreContext, id: string, body: WebhookEndpointUpdateT): WebhookEndpointT {
  const before = endpoint(s, id);
  const now = nowIso();
  const enabled = body.enabled ?? before.enabled;
  // Re-enabling clears why it was disabled; its waiting deliveries are due again from now.
  const reenabled = enabled && !before.enabled;
  s.run(sql`UPDATE webhook_endpoints SET
      url = ${body.url ?? before.url},
      description = ${body.description ?? before.description},
      event_types = ${JSON.stringify(body.event_types ?? before.event_types)},
      enabled = ${enabled ? 1 : 0},
      disabled_reason = ${enabled ? null : before.disabled_reason},
      disabled_at = ${enabled ? null : (before.disabled_at ?? now)},
      updated_at = ${now}
    WHERE id = ${id}`);
  if (reenabled) {
    s.run(sql`UPDATE webhook_deliveries SET next_attempt_at = ${now}, updated_at = ${now} WHERE endpoint_id = ${id} AND status = 'pending'`);
    s.scheduleNow();
  }
  s.forgetSubscribers();
  return endpoint(s, id);
}

export function deleteEndpoint(s: StoreContext, id: string) {
  endpoint(s, id);
  s.run(sql`DELETE FROM webhook_endpoints WHERE id = ${id}`);
  s.run(sql`DELETE FROM webhook_events WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)`);
  s.forgetSubscribers();
}

/** "Send test event": a webhook.test event to this endpoint alone (an enabled one). */
export function sendTestEvent(s: StoreContext, id: string): { event_id: string } {
  const e = endpoint(s, id);
  if (!e.enabled) throw new Problem(409, "This endpoint is disabled: enable it to send a test event.");
  s.emit(TEST_EVENT, { endpoint_id: id, message: "A test event sent from Settings → Webhooks." }, null, id);
  const row = s.get<{ event_id: string }>(sql`SELECT event_id FROM webhook_deliveries WHERE endpoint_id = ${id} ORDER BY seq DESC LIMIT 1`);
  return { event_id: row?.event_id ?? "" };
}

/**
 * The deliveries due now (a pending one whose time came, or a queued/sending one whose consumer
 * vanished), at most `limit`, head of line per (endpoint, contact): a delivery waits while an
 * earlier one of the same endpoint and contact is unfinished. Marks them queued.
 */
export function takeDue(s: StoreContext, limit: number): string[] {
  const now = nowIso();
  const ids = s
    .all<{ id: string }>(
      sql`SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.enabled = 1
        WHERE ((d.status = 'pending' AND d.next_attempt_at <= ${now}) OR (d.status IN ('queued', 'sending') AND d.lease_until <= ${now}))
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.endpoint_id = d.endpoint_id AND p.order_key = d.order_key
            AND p.seq < d.seq AND p.status IN ('pending', 'queued', 'sending'))
        ORDER BY d.seq LIMIT ${limit}`,
    )
    .map((r) => r.id);
  const lease = new Date(Date.now() + QUEUED_LEASE_MS).toISOString();
  for (const id of ids) s.run(sql`UPDATE webhook_deliveries SET status = 'queued', lease_until = ${lease}, updated_at = ${now} WHERE id = ${id}`);
  return ids;
}

/** The queue did not take them: due again at once. */
export function untake(s: StoreContext, ids: string[]) {
  const now = nowIso();
  for (const id of ids) s.run(sql`UPDATE webhook_deliveries SET status = 'pending', lease_until = NULL, next_attempt_at = ${now} WHERE id = ${id} AND status = 'queued'`);
}

/**
 * When the alarm should next run for webhooks (epoch ms), or null when nothing waits: the first
 * pending delivery that is not waiting behind an earlier one, or the first lease to run out.
 */
export function nextWakeAt(s: StoreContext): number | null {
  const row = s.get<{ at: string | null }>(sql`SELECT min(at) AS at FROM (
      SELECT min(d.next_attempt_at) AS at FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.enabled = 1
        WHERE d.status = 'pending' AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.endpoint_id = d.endpoint_id
          AND p.order_key = d.order_key AND p.seq < d.seq AND p.status IN ('pending', 'queued', 'sending'))
      UNION ALL SELECT min(lease_until) FROM webhook_deliveries WHERE status IN ('queued', 'sending'))`);
  return row?.at ? Date.parse(row.at) : null;
}

export type Claim =
  | { kind: "claimed"; url: string; secretCiphertext: string; endpointId: string; eventId: string; payload: string; attempt: number }
  | { kind: "skip"; reason: string };

/** The consumer takes delivery `id` for one attempt (a redelivered queue message finds it taken). */
export function claimDelivery(s: StoreContext, id: string): Claim {
  const now = nowIso();
  const row = s.get<{ status: Status; lease_until: string | null; attempts: number; url: string; secret_ciphertext: string; endpoint_id: string; event_id: string; payload: string; enabled: number }>(
    sql`SELECT d.status, d.lease_until, d.attempts, e.url, e.secret_ciphertext, d.endpoint_id, d.event_id, v.payload, e.enabled
      FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id JOIN webhook_events v ON v.id = d.event_id WHERE d.id = ${id}`,
  );
  if (!row) return { kind: "skip", reason: "gone" };
  const stale = row.status === "sending" && (row.lease_until ?? "") <= now;
  if (row.status !== "queued" && !stale) return { kind: "skip", reason: row.status };
  if (row.enabled !== 1) {
    s.run(sql`UPDATE webhook_deliveries SET status = 'pending', lease_until = NULL, updated_at = ${now} WHERE id = ${id}`);
    return { kind: "skip", reason: "endpoint disabled" };
  }
  const attempt = row.attempts + 1;
  const lease = new Date(Date.now() + SENDING_LEASE_MS).toISOString();
  s.run(sql`UPDATE webhook_deliveries SET status = 'sending', attempts = ${attempt}, lease_until = ${lease}, updated_at = ${now} WHERE id = ${id}`);
  return { kind: "claimed", url: row.url, secretCiphertext: row.secret_ciphertext, endpointId: row.endpoint_id, eventId: row.event_id, payload: row.payload, attempt };
}

export interface AttemptOutcome {
  attempt: number;
  statusCode: number | null;
  durationMs: number;
  excerpt: string | null;
  error: string | null;
  /** succeeded; or retry after this many seconds; or failed for good. */
  result: { kind: "succeeded" } | { kind: "retry"; afterSeconds: number } | { kind: "failed" };
  /** Disable the endpoint, saying why. */
  disable?: string;
}

/** Records one attempt and moves the delivery on. An attempt that lost its claim records nothing. */
export function finishAttempt(s: StoreContext, id: string, o: AttemptOutcome): boolean {
  const now = nowIso();
  const row = s.get<{ status: Status; attempts: number; endpoint_id: string }>(sql`SELECT status, attempts, endpoint_id FROM webhook_deliveries WHERE id = ${id}`);
  if (!row || row.status !== "sending" || row.attempts !== o.attempt) return false;
  s.run(sql`INSERT INTO webhook_attempts (delivery_id, attempt, at, status_code, duration_ms, response_excerpt, error)
    VALUES (${id}, ${o.attempt}, ${now}, ${o.statusCode}, ${Math.round(o.durationMs)}, ${o.excerpt}, ${o.error})`);
  const status: Status = o.result.kind === "succeeded" ? "succeeded" : o.result.kind === "retry" ? "pending" : "failed";
  const next = o.result.kind === "retry" ? new Date(Date.now() + o.result.afterSeconds * 1000).toISOString() : now;
  s.run(sql`UPDATE webhook_deliveries SET status = ${status}, next_attempt_at = ${next}, lease_until = NULL, last_status_code = ${o.statusCode},
    last_error = ${o.error}, updated_at = ${now} WHERE id = ${id}`);
  if (o.disable) {
    s.run(sql`UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ${o.disable}, disabled_at = ${now}, updated_at = ${now} WHERE id = ${row.endpoint_id} AND enabled = 1`);
    s.forgetSubscribers();
  }
  return true;
}

interface DeliveryRow {
  id: string;
  seq: number;
  event_id: string;
  event_type: string;
  status: Status;
  next_attempt_at: string;
  created_at: string;
  attempts: string;
}

/** The endpoint's deliveries, newest first, each with its attempts; `cursor` is the last page's last delivery. */
export function listDeliveries(s: StoreContext, endpointId: string, cursor: string | undefined, limit: number): { data: WebhookDeliveryT[]; next_cursor: string | null } {
  endpoint(s, endpointId);
  const take = Math.min(limit, PAGE_MAX);
  const after = cursor ? s.get<{ seq: number; id: string }>(sql`SELECT seq, id FROM webhook_deliveries WHERE id = ${cursor} AND endpoint_id = ${endpointId}`) : undefined;
  if (cursor && !after) throw new Problem(400, "cursor: not a delivery of this endpoint", { errors: [{ field: "cursor", message: "not a delivery of this endpoint" }] });
  const rows = s.all<DeliveryRow>(sql`SELECT d.id, d.seq, d.event_id, v.type AS event_type, d.status, d.next_attempt_at, d.created_at,
      (SELECT json_group_array(json_object('attempt', a.attempt, 'at', a.at, 'status_code', a.status_code, 'duration_ms', a.duration_ms,
         'response_excerpt', a.response_excerpt, 'error', a.error)) FROM (SELECT * FROM webhook_attempts WHERE delivery_id = d.id ORDER BY attempt) a) AS attempts
    FROM webhook_deliveries d JOIN webhook_events v ON v.id = d.event_id
    WHERE d.endpoint_id = ${endpointId} ${after ? sql`AND (d.seq < ${after.seq} OR (d.seq = ${after.seq} AND d.id < ${after.id}))` : sql``}
    ORDER BY d.seq DESC, d.id DESC LIMIT ${take + 1}`);
  const page = rows.slice(0, take).map((r) => ({
    id: r.id,
    event_id: r.event_id,
    event_type: r.event_type,
    status: r.status,
    attempts: JSON.parse(r.attempts),
    next_attempt_at: r.status === "pending" ? r.next_attempt_at : null,
    created_at: r.created_at,
  }));
  return { data: page, next_cursor: rows.length > take ? (page.at(-1)?.id ?? null) : null };
}

/** Sends a delivery's event again (same webhook-id), as a new delivery due now. */
export function redeliver(s: StoreContext, endpointId: string, deliveryId: string): { id: string } {
  const row = s.get<{ seq: number; event_id: string; order_key: string }>(
    sql`SELECT seq, event_id, order_key FROM webhook_deliveries WHERE id = ${deliveryId} AND endpoint_id = ${endpointId}`,
  );
  if (!row) throw notFound("Delivery");
  if (!endpoint(s, endpointId).enabled) throw new Problem(409, "This endpoint is disabled: enable it to redeliver.");
  const now = nowIso();
  const id = newId();
  s.run(sql`INSERT INTO webhook_deliveries (id, seq, endpoint_id, event_id, order_key, status, attempts, next_attempt_at, created_at, updated_at)
    VALUES (${id}, ${row.seq}, ${endpointId}, ${row.event_id}, ${row.order_key}, 'pending', 0, ${now}, ${now}, ${now})`);
  s.scheduleNow();
  return { id };
}

/** Drops finished deliveries (and events nothing refers to) older than the log keeps. */
export function pruneWebhookLog(s: StoreContext, before: string): number {
  const removed = s.run(sql`DELETE FROM webhook_deliveries WHERE status IN ('succeeded', 'failed') AND updated_at < ${before}`);
  s.run(sql`DELETE FROM webhook_events WHERE created_at < ${before} AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)`);
  return removed;
}
