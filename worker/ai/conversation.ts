import { readTranscript } from "../blobs";
import type { ConversationSources } from "../store/messages";

const CHARS_PER_CALL = 3_000;

export interface ConversationEntry {
  id: string;
  at: string;
  text: string;
}

/** A contact's recent calls (transcriptions from R2) and messages, oldest first, as prompt lines. */
export async function conversation(env: Env, sources: ConversationSources): Promise<ConversationEntry[]> {
  const calls = await Promise.all(
    sources.calls.map(async (c) => ({ id: c.id, at: c.at, text: `[call ${c.at}]\n${(await readTranscript(env, c.transcript_key, CHARS_PER_CALL)) ?? ""}` })),
  );
  const messages = sources.messages.map((m) => ({ id: m.id, at: m.at, text: `[sms ${m.direction === "inbound" ? "from contact" : "from us"} ${m.at}] ${m.body}` }));
  return [...calls, ...messages].sort((a, b) => a.at.localeCompare(b.at));
}
