import { zodResponseFormat } from "openai/helpers/zod";
import { CallerDetails, ContactPreferences, buildMessages, spokenOptOut } from "../ai/extraction";
import { TransientError, backoffSeconds, classifyLlmError, createLlm } from "../ai/llm";
import { validateDetails } from "../ai/validate";
import { readTranscript } from "../blobs";
import type { StoreClient } from "../store/client";
import type { EnrichmentStatus, Usage } from "../store/jobs";
import type { EnrichContactJob } from "./queues";

export type Outcome = { ack: true; status: string; contactId?: string } | { ack: false; delaySeconds: number; reason: string };

/**
 * enrich_contact for one queue message: claim the call in the store, read the transcription
 * from R2, ask the model, validate, write the result in one store call. A stub's details are
 * filled; every contact's call is checked for a spoken request not to be contacted (with a stub,
 * in the same model call). Safe to run twice or concurrently for the same call (the claim lets
 * one through).
 */
export async function enrichCall(env: Env, store: StoreClient, job: EnrichContactJob, attempts: number): Promise<Outcome> {
  const claim = await store.claimEnrichment(job.call_id);
  if (claim.kind === "duplicate") return { ack: true, status: "duplicate" };
  if (claim.kind === "finished") return { ack: true, status: claim.status, contactId: claim.contactId };
  const { contactId, stub } = claim;
  const finish = async (status: EnrichmentStatus, detail: string, usage?: Usage, optOutQuote: string | null = null) => {
    await store.finishEnrichment(job.call_id, status, detail, usage, optOutQuote);
    return { ack: true as const, status, contactId };
  };
  const llm = createLlm(env);
  if (!llm) return finish("skipped", "skipped: AI enrichment is not configured");
  const transcript = await readTranscript(env, claim.transcriptKey);
  if (transcript === null) return finish("failed", "failed: the transcription is missing from storage");
  const { client, model } = llm;
  let completion;
  try {
    completion = await client.chat.completions.parse({
      model,
      messages: buildMessages(transcript, stub ? "details" : "preferences"),
      response_format: stub ? zodResponseFormat(CallerDetails, "caller_details") : zodResponseFormat(ContactPreferences, "contact_preferences"),
    });
  } catch (err) {
    const failure = classifyLlmError(err);
    if (failure instanceof TransientError) {
      await store.retryEnrichment(job.call_id, failure.message);
      return { ack: false, delaySeconds: backoffSeconds(attempts, failure.retryAfterSeconds), reason: failure.message };
    }
    return finish("failed", `failed: ${failure.message}`);
  }

  const usage = {
    model: completion.model || model,
    prompt: completion.usage?.prompt_tokens ?? 0,
    completion: completion.usage?.completion_tokens ?? 0,
  };
  const choice = completion.choices[0]?.message;
  if (choice?.refusal) return finish("failed", `failed: the model refused (${choice.refusal.slice(0, 200)})`, usage);
  if (!choice?.parsed) return finish("failed", "failed: the model returned no answer", usage);

  const { quote, note } = spokenOptOut(transcript, choice.parsed);
  if (!stub) return finish("checked", `checked: ${note ?? "no request not to be contacted"}`, usage, quote);

  const { proposal, rejected } = validateDetails(choice.parsed as CallerDetails);
  const notes = [rejected.length ? `rejected: ${rejected.join(", ")}` : "", note ?? ""].filter(Boolean);
  const fields = Object.keys(proposal);
  if (fields.length === 0) return finish("rejected", ["rejected: no usable values in the model's answer", ...notes].join("; "), usage, quote);
  await store.applyEnrichment(job.call_id, contactId, proposal, [`filled: ${fields.join(", ")}`, ...notes].join("; "), usage, quote);
  return { ack: true, status: "filled", contactId };
}
