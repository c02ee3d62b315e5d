import { backoffSeconds } from "../ai/llm";
import { mediaKey } from "../blobs";
import { twilioAccountFor } from "../auth/webhooks";
import { createDb } from "../global/db";
import { twilioMediaHeaders } from "../integrations/twilio";
import type { StoreClient } from "../store/client";
import type { FetchMediaJob } from "./queues";

/** MMS media are at most 5 MB with every carrier; a larger answer is not a message's media. */
export const MAX_MEDIA_BYTES = 5 * 1024 * 1024;

export type FetchOutcome = { ack: true; status: string } | { ack: false; delaySeconds: number };

class TooLarge extends Error {}

async function readLimited(res: Response): Promise<Uint8Array> {
  if (Number(res.headers.get("content-length") ?? 0) > MAX_MEDIA_BYTES) throw new TooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body?.getReader();
  for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader?.read()) {
    size += chunk.value.byteLength;
    if (size > MAX_MEDIA_BYTES) {
      await reader?.cancel();
      throw new TooLarge();
    }
    chunks.push(chunk.value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * Copies an inbound message's media from where the provider serves them into R2, one item at a
 * time (each recorded as it lands, so a retry copies only what is left). Provider 429/5xx and
 * network errors retry through the queue; other refusals are recorded on the item.
 */
export async function fetchMedia(env: Env, store: StoreClient, job: FetchMediaJob, attempts: number): Promise<FetchOutcome> {
  const items = await store.mediaToFetch(job.message_id);
  const account = items.length ? await twilioAccountFor(env, createDb(env.DB), job.organization_id) : null;
  for (const item of items) {
    let res: Response;
    try {
      res = await fetch(item.sourceUrl, { headers: twilioMediaHeaders(env, account, item.sourceUrl), signal: AbortSignal.timeout(15_000) });
    } catch {
      return { ack: false, delaySeconds: backoffSeconds(attempts) };
    }
    if (res.status === 429 || res.status >= 500) {
      await res.body?.cancel();
      return { ack: false, delaySeconds: backoffSeconds(attempts, Number(res.headers.get("retry-after")) || 0) };
    }
    if (!res.ok) {
      await res.body?.cancel();
      await store.recordMedia(job.message_id, item.position, { error: `the provider answered ${res.status}` });
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = await readLimited(res);
    } catch (err) {
      if (!(err instanceof TooLarge)) return { ack: false, delaySeconds: backoffSeconds(attempts) };
      await store.recordMedia(job.message_id, item.position, { error: "larger than 5 MB" });
      continue;
    }
    const contentType = (res.headers.get("content-type") ?? "application/octet-stream").split(";")[0]!.trim().toLowerCase();
    const key = mediaKey(job.organization_id, job.message_id, item.position);
    await env.BLOBS.put(key, bytes, { httpMetadata: { contentType } });
    await store.recordMedia(job.message_id, item.position, { key, contentType, bytes: bytes.byteLength });
  }
  return { ack: true, status: `${items.length} copied or settled` };
}

/** The copy gave up after max_retries: the media stay served from their source. */
export async function fetchMediaDeadLetter(store: StoreClient, job: FetchMediaJob): Promise<void> {
  for (const item of await store.mediaToFetch(job.message_id)) {
    await store.recordMedia(job.message_id, item.position, { error: "gave up after repeated errors" });
  }
}
