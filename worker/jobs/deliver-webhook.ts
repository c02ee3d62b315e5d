import { Webhook } from "standardwebhooks";
import { checkWebhookUrl, isPublicAddress, resolveHost } from "../lib/public-url";
import { decryptSecret } from "../lib/secrets";
import type { StoreClient } from "../store/client";
import type { AttemptOutcome, Claim } from "../store/webhooks";
import type { DeliverWebhookJob } from "./queues";

// One attempt of one webhook delivery, signed as the Standard Webhooks specification says
// (webhook-id, webhook-timestamp, webhook-signature = "v1," + base64 HMAC-SHA256 of
// "id.timestamp.body" under the endpoint's whsec_ secret, by the standardwebhooks package).
// The retry policy is here; the delivery's state is in the organization's store.

const DEFAULT_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 36000];
const DEFAULT_TIMEOUT_MS = 10_000;
const EXCERPT_BYTES = 1024;
const USER_AGENT = "contacts-webhooks/1 (+Standard Webhooks)";

/** Seconds to wait before each retry: attempt n+1 comes schedule[n-1] after attempt n; then the delivery fails. */
export function retrySchedule(env: Env): number[] {
  const parsed = (env.WEBHOOK_RETRY_SCHEDULE ?? "")
    .split(",")
    .map((v) => Number(v.trim()))
    .filter((v) => Number.isFinite(v) && v >= 0);
  return parsed.length ? parsed : DEFAULT_SCHEDULE;
}

const timeoutMs = (env: Env) => Number(env.WEBHOOK_TIMEOUT_MS) || DEFAULT_TIMEOUT_MS;
export const loopbackAllowed = (env: Env) => env.WEBHOOK_ALLOW_LOOPBACK === "true";

/** Retry-After in seconds (a number of seconds or an HTTP date), or 0. */
function retryAfterSeconds(value: string | null): number {
  if (!value) return 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, (at - Date.now()) / 1000) : 0;
}

/** At most EXCERPT_BYTES of the answer, as text; the rest is not read. */
async function excerptOf(res: Response): Promise<string | null> {
  if (!res.body) return null;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < EXCERPT_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => {});
  const bytes = new Uint8Array(Math.min(size, EXCERPT_BYTES));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
    if (offset >= bytes.length) break;
  }
  return bytes.length ? new TextDecoder().decode(bytes) : null;
}

/** ±20% around the scheduled wait, so many endpoints' retries do not arrive in step. */
const jitter = (seconds: number) => Math.round(seconds * (0.8 + Math.random() * 0.4));

type Claimed = Extract<Claim, { kind: "claimed" }>;
type Outcome = Omit<AttemptOutcome, "attempt" | "durationMs" | "result"> & { retryable: boolean; retryAfter?: number; succeeded?: boolean; disable?: string };

/** What one attempt came to, as the store records it (retry, fail, disable: the policy is here). */
function settle(env: Env, claim: Claimed, started: number, o: Outcome): AttemptOutcome {
  const schedule = retrySchedule(env);
  const canRetry = o.retryable && claim.attempt <= schedule.length;
  const wait = canRetry ? Math.max(jitter(schedule[claim.attempt - 1] ?? 0), Math.min(o.retryAfter ?? 0, 86_400)) : 0;
  const result: AttemptOutcome["result"] = o.succeeded ? { kind: "succeeded" } : canRetry ? { kind: "retry", afterSeconds: wait } : { kind: "failed" };
  // Failing for the whole schedule (about a day by default) means the endpoint keeps failing.
  const disable = o.disable ?? (o.retryable && !canRetry ? `Disabled after every attempt to deliver ${claim.eventId} failed (${claim.attempt} attempts; last: ${o.statusCode ?? o.error}).` : undefined);
  return { attempt: claim.attempt, statusCode: o.statusCode, durationMs: Date.now() - started, excerpt: o.excerpt, error: o.error, result, ...(disable ? { disable } : {}) };
}

/** One attempt: the URL checked again (and its host resolved), signed, POSTed, the answer classified. */
async function attempt(env: Env, claim: Claimed): Promise<AttemptOutcome> {
  const started = Date.now();
  const done = (o: Outcome) => settle(env, claim, started, o);
  const verdict = checkWebhookUrl(claim.url, loopbackAllowed(env));
  if (!verdict.ok) return done({ statusCode: null, excerpt: null, error: `refused: the URL ${verdict.reason}`, retryable: false, disable: `Disabled: the URL ${verdict.reason}.` });
  if (!verdict.local) {
    let addresses: string[];
    try {
      addresses = await resolveHost(verdict.host, env.WEBHOOK_DNS_RESOLVER || "https://cloudflare-dns.com/dns-query");
    } catch (err) {
      return done({ statusCode: null, excerpt: null, error: `could not resolve ${verdict.host}: ${err instanceof Error ? err.message : "error"}`, retryable: true });
    }
    if (addresses.length === 0) return done({ statusCode: null, excerpt: null, error: `${verdict.host} does not resolve`, retryable: true });
    const hidden = addresses.find((a) => !isPublicAddress(a));
    if (hidden) return done({ statusCode: null, excerpt: null, error: `refused: ${verdict.host} resolves to a private or reserved address (${hidden})`, retryable: false });
  }

  const secret = await decryptSecret(env, claim.secretCiphertext, claim.endpointId);
  const at = new Date();
  const signature = new Webhook(secret).sign(claim.eventId, at, claim.payload);
  let res: Response;
  try {
    res = await fetch(verdict.url, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": claim.eventId,
        "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
        "webhook-signature": signature,
      },
      body: claim.payload,
      signal: AbortSignal.timeout(timeoutMs(env)),
    });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    return done({ statusCode: null, excerpt: null, error: timedOut ? `no answer within ${timeoutMs(env)} ms` : `could not connect (${err instanceof Error ? err.message : "error"})`, retryable: true });
  }
  const excerpt = await excerptOf(res).catch(() => null);
  const s = res.status;
  if (s >= 200 && s < 300) return done({ statusCode: s, excerpt, error: null, retryable: false, succeeded: true });
  if (s === 410) return done({ statusCode: s, excerpt, error: "410 Gone", retryable: false, disable: "Disabled: the endpoint answered 410 Gone." });
  if (s === 429 || s === 408 || s >= 500) return done({ statusCode: s, excerpt, error: `HTTP ${s}`, retryable: true, retryAfter: retryAfterSeconds(res.headers.get("retry-after")) });
  // Redirects are not followed; any other answer is the receiver refusing this event.
  return done({ statusCode: s, excerpt, error: s >= 300 && s < 400 ? `HTTP ${s} (redirects are not followed)` : `HTTP ${s}`, retryable: false });
}

/**
 * One attempt for each of a queue batch's deliveries of one organization: claimed in one store
 * call, POSTed in parallel, recorded in one store call. A delivery already taken (a redelivered
 * queue message) is skipped.
 */
export async function deliverWebhooks(env: Env, store: StoreClient, jobs: DeliverWebhookJob[]): Promise<AttemptOutcome["result"]["kind"][]> {
  const ids = jobs.map((j) => j.delivery_id);
  const claims = await store.claimWebhookDeliveries(ids);
  const attempts = await Promise.all(
    claims.map(async (claim, i) => (claim.kind === "claimed" ? { id: ids[i]!, outcome: await attempt(env, claim) } : null)),
  );
  const outcomes = attempts.filter((a) => a !== null);
  if (outcomes.length) await store.finishWebhookAttempts(outcomes);
  return outcomes.map((o) => o.outcome.result.kind);
}
