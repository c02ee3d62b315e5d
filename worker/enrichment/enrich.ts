import { and, eq, sql } from "drizzle-orm";
import { zodResponseFormat } from "openai/helpers/zod";
import { type Db, createDb, rawStatement, runBatch } from "../db/client";
import { calls, contacts } from "../db/schema";
import { newId, nowIso } from "../lib/ids";
import { TransientError, backoffSeconds, classifyLlmError, createLlm } from "../lib/llm";
import { CallerDetails, buildMessages } from "./extraction";
import { type Proposal, hasStubName, validateDetails } from "./validate";

export interface EnrichMessage {
  type: "enrich_contact";
  organization_id: string;
  call_id: string;
}

export type Outcome = { ack: true; status: string; contactId?: string } | { ack: false; delaySeconds: number; reason: string };

/** A consumer that died mid-call loses its claim after this long, so a redelivery can proceed. */
const LEASE_MS = 5 * 60_000;

async function finish(db: Db, callId: string, status: "filled" | "skipped" | "rejected" | "failed", detail: string, usage?: { model: string; prompt: number; completion: number }) {
  await db
    .update(calls)
    .set({
      enrichmentStatus: status,
      enrichmentDetail: detail,
      enrichmentClaimedAt: null,
      enrichedAt: nowIso(),
      ...(usage && { enrichmentModel: usage.model, enrichmentPromptTokens: usage.prompt, enrichmentCompletionTokens: usage.completion }),
    })
    .where(eq(calls.id, callId));
  return { ack: true as const, status: `${status}` };
}

const TEXT_FIELDS = ["company", "job_title", "preferred_language", "timezone", "gender", "pipeline_stage"] as const;

/** Statements that write the proposal: only into empty fields, decided in SQL at write time. */
function fillStatements(db: Db, organizationId: string, contactId: string, p: Proposal) {
  const now = nowIso();
  const statements = [];
  if (p.first_name || p.last_name) {
    // Names only while the contact is still a stub: a person who typed a name meanwhile wins.
    statements.push(
      rawStatement(
        db,
        sql`UPDATE contacts SET first_name = ${p.first_name ?? ""}, last_name = ${p.last_name ?? ""}, updated_at = ${now}
          WHERE id = ${contactId} AND organization_id = ${organizationId}
          AND (trim(first_name) = '' OR lower(trim(first_name)) = 'unknown')
          AND (trim(last_name) = '' OR lower(trim(last_name)) = 'unknown')`,
      ),
    );
  }
  for (const field of TEXT_FIELDS) {
    const value = p[field];
    if (!value) continue;
    const column = sql.identifier(field);
    statements.push(
      rawStatement(
        db,
        sql`UPDATE contacts SET ${column} = ${value}, updated_at = ${now}
          WHERE id = ${contactId} AND organization_id = ${organizationId} AND (${column} IS NULL OR trim(${column}) = '')`,
      ),
    );
  }
  if (p.email) {
    statements.push(
      rawStatement(
        db,
        sql`INSERT INTO contact_emails (id, organization_id, contact_id, email, email_normalized, label, is_preferred, created_at)
          SELECT ${newId()}, ${organizationId}, ${contactId}, ${p.email}, ${p.email.toLowerCase()}, NULL, 1, ${now}
          WHERE NOT EXISTS (SELECT 1 FROM contact_emails WHERE contact_id = ${contactId})`,
      ),
    );
  }
  return statements;
}

/** enrich_contact for one queue message. Safe to run twice or concurrently for the same call. */
export async function enrichCall(env: Env, message: EnrichMessage, attempts: number): Promise<Outcome> {
  const db = createDb(env.DB);
  const now = Date.now();
  const claimed = await db
    .update(calls)
    .set({ enrichmentStatus: "running", enrichmentClaimedAt: new Date(now).toISOString() })
    .where(
      and(
        eq(calls.id, message.call_id),
        eq(calls.organizationId, message.organization_id),
        sql`(enrichment_status IS NULL OR enrichment_status = 'pending'
          OR (enrichment_status = 'running' AND enrichment_claimed_at < ${new Date(now - LEASE_MS).toISOString()}))`,
      ),
    )
    .returning({ contactId: calls.contactId, transcription: calls.transcription });
  const call = claimed[0];
  // Not claimable: already enriched, deleted, or another consumer holds it.
  if (!call) return { ack: true, status: "duplicate" };

  if (!call.contactId) return finish(db, message.call_id, "skipped", "skipped: the call has no contact");
  if (!call.transcription?.trim()) return finish(db, message.call_id, "skipped", "skipped: no transcription");
  const [contact] = await db
    .select({ firstName: contacts.firstName, lastName: contacts.lastName })
    .from(contacts)
    .where(eq(contacts.id, call.contactId));
  if (!contact) return finish(db, message.call_id, "skipped", "skipped: the contact no longer exists");
  if (!hasStubName(contact.firstName, contact.lastName)) {
    return { ...(await finish(db, message.call_id, "skipped", "skipped: not a stub")), contactId: call.contactId };
  }
  const llm = createLlm(env);
  if (!llm) return finish(db, message.call_id, "skipped", "skipped: AI enrichment is not configured");
  const { client, model } = llm;
  let completion;
  try {
    completion = await client.chat.completions.parse({
      model,
      messages: buildMessages(call.transcription),
      response_format: zodResponseFormat(CallerDetails, "caller_details"),
    });
  } catch (err) {
    const failure = classifyLlmError(err);
    if (failure instanceof TransientError) {
      await db
        .update(calls)
        .set({ enrichmentStatus: "pending", enrichmentClaimedAt: null, enrichmentDetail: `retrying: ${failure.message}` })
        .where(eq(calls.id, message.call_id));
      return { ack: false, delaySeconds: backoffSeconds(attempts, failure.retryAfterSeconds), reason: failure.message };
    }
    return finish(db, message.call_id, "failed", `failed: ${failure.message}`);
  }

  const usage = {
    model: completion.model || model,
    prompt: completion.usage?.prompt_tokens ?? 0,
    completion: completion.usage?.completion_tokens ?? 0,
  };
  const choice = completion.choices[0]?.message;
  if (choice?.refusal) return finish(db, message.call_id, "failed", `failed: the model refused (${choice.refusal.slice(0, 200)})`, usage);
  if (!choice?.parsed) return finish(db, message.call_id, "failed", "failed: the model returned no answer", usage);

  const { proposal, rejected } = validateDetails(choice.parsed);
  const rejectedNote = rejected.length ? `; rejected: ${rejected.join(", ")}` : "";
  const fields = Object.keys(proposal);
  if (fields.length === 0) {
    return finish(db, message.call_id, "rejected", `rejected: no usable values in the model's answer${rejectedNote}`, usage);
  }
  await runBatch(db, [
    ...fillStatements(db, message.organization_id, call.contactId, proposal),
    rawStatement(
      db,
      sql`UPDATE calls SET enrichment_status = 'filled', enrichment_detail = ${`filled: ${fields.join(", ")}${rejectedNote}`},
        enrichment_model = ${usage.model}, enrichment_prompt_tokens = ${usage.prompt}, enrichment_completion_tokens = ${usage.completion},
        enrichment_claimed_at = NULL, enriched_at = ${nowIso()} WHERE id = ${message.call_id}`,
    ),
  ]);
  return { ack: true, status: "filled", contactId: call.contactId };
}

/** Dead-lettered messages: enrichment gave up after max_retries; say so on the call. */
export async function recordDeadLetter(env: Env, message: EnrichMessage): Promise<void> {
  await createDb(env.DB).run(
    sql`UPDATE calls SET enrichment_status = 'failed', enrichment_claimed_at = NULL, enriched_at = ${nowIso()},
      enrichment_detail = 'failed: gave up after repeated errors' || CASE WHEN enrichment_detail LIKE 'retrying: %'
        THEN ' (last: ' || substr(enrichment_detail, 11) || ')' ELSE '' END
      WHERE id = ${message.call_id} AND organization_id = ${message.organization_id}
      AND (enrichment_status IS NULL OR enrichment_status IN ('pending', 'running'))`,
  );
}
