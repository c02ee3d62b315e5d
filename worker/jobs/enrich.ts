import { zodResponseFormat } from "openai/helpers/zod";
import { CallerDetails, buildMessages } from "../ai/extraction";
import { TransientError, backoffSeconds, classifyLlmError, createLlm } from "../ai/llm";
import { validateDetails } from "../ai/validate";
import { readTranscript } from "../blobs";
import type { StoreClient } from "../store/client";
import type { EnrichmentStatus, Usage } from "../store/jobs";
import type { EnrichContactJob } from "./queues";

export type Outcome = { ack: true; status: string; contactId?: string } | { ack: false; delaySeconds: number; reason: string };

/**
 * enrich_contact for one queue message: claim the call in the store, read the transcription
 * from R2, ask the model, validate, write the result in one store call. Safe to run twice or
 * concurrently for the same call (the claim lets one through).
 */
export async function enrichCall(env: Env, store: StoreClient, job: EnrichContactJob, attempts: number): Promise<Outcome> {
  const claim = await store.claimEnrichment(job.call_id);
  if (claim.kind === "duplicate") return { ack: true, status: "duplicate" };
  if (claim.kind === "finished") return { ack: true, status: claim.status, contactId: claim.contactId };
  const finish = async (status: EnrichmentStatus, detail: string, usage?: Usage) => {
    await store.finishEnrichment(job.call_id, status, detail, usage);
    return { ack: true as const, status };
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
      messages: buildMessages(transcript),
      response_format: zodResponseFormat(CallerDetails, "caller_details"),
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

  const { proposal, rejected } = validateDetails(choice.parsed);
  const rejectedNote = rejected.length ? `; rejected: ${rejected.join(", ")}` : "";
  const fields = Object.keys(proposal);
  if (fields.length === 0) return finish("rejected", `rejected: no usable values in the model's answer${rejectedNote}`, usage);
  await store.applyEnrichment(job.call_id, claim.contactId, proposal, `filled: ${fields.join(", ")}${rejectedNote}`, usage);
  return { ack: true, status: "filled", contactId: claim.contactId };
}
