import { newId } from "./lib/ids";
import type { CallDetailsT, StoredCallDetails } from "./schemas/calls";

// R2 holds what is too big for a store's SQLite (transcripts, media), under the organization's
// own prefix, so deleting an organization deletes `${organization id}/`. The store keeps the keys.

/** A fresh key for a call's transcription (a replaced one is deleted once the store has the new). */
export const transcriptKey = (organizationId: string, callId: string) => `${organizationId}/calls/${callId}/transcript-${newId()}.txt`;

export async function putTranscript(env: Env, key: string, text: string): Promise<void> {
  await env.BLOBS.put(key, text, { httpMetadata: { contentType: "text/plain; charset=utf-8" } });
}

/** The transcription, or its first `maxChars` characters. Null when the object is gone. */
export async function readTranscript(env: Env, key: string, maxChars?: number): Promise<string | null> {
  // UTF-8 is at most 4 bytes a character: read no more than the characters asked for can take.
  const object = await env.BLOBS.get(key, maxChars ? { range: { offset: 0, length: maxChars * 4 } } : undefined);
  if (!object) return null;
  const text = new TextDecoder().decode(await object.arrayBuffer());
  return maxChars ? text.slice(0, maxChars) : text;
}

/** CallDetails with their transcriptions read from R2 (in parallel). */
export async function withTranscripts(env: Env, calls: StoredCallDetails[]): Promise<CallDetailsT[]> {
  return Promise.all(
    calls.map(async ({ transcript_key, ...call }) => ({
      ...call,
      transcription: transcript_key ? await readTranscript(env, transcript_key) : null,
    })),
  );
}

/** Where a message's media item is copied (one object per message and position). */
export const mediaKey = (organizationId: string, messageId: string, position: number) => `${organizationId}/messages/${messageId}/media-${position}`;
