import { z } from "@hono/zod-openapi";
import { isoDateTime, jsonHasControl, multiLine, oneLine } from "../lib/text";

export const MAX_TRANSCRIPTION_CHARS = 200_000;


export const ResolveInput = z.object({ phone: oneLine().max(64).openapi({ example: "+1 (555) 123-4567" }) }).openapi("ResolveInput");
export const ResolveResult = z
  .object({
    contact_id: z.string().nullable(),
    created: z.boolean(),
    reason: z.enum(["withheld", "invalid", "blocked"]).optional().openapi({ description: "Why no contact, when contact_id is null (blocked: the number is on the organization's block list)" }),
  })
  .openapi("ResolveResult");

export const CallInput = z
  .object({
    caller_phone: oneLine().max(64),
    to_phone: oneLine().max(64).optional(),
    direction: z.enum(["inbound", "outbound"]).default("inbound"),
    started_at: isoDateTime.optional(),
    external_id: oneLine().trim().min(1).max(200).optional().openapi({ description: "Your call id; retries with the same id return the same call" }),
    attestation: z.enum(["A", "B", "C"]).optional().openapi({ description: "The STIR/SHAKEN attestation of the caller id, when the carrier gave one" }),
  })
  .openapi("CallInput");
export const CallCreated = z
  .object({
    call_id: z.string(),
    contact_id: z.string().nullable(),
    contact_created: z.boolean(),
    blocked: z.boolean().optional().openapi({ description: "The caller's number is blocked: the call is recorded without a contact" }),
  })
  .openapi("CallCreated");

export const TranscriptionInput = z
  .object({
    transcription: multiLine().min(1, "is required").max(MAX_TRANSCRIPTION_CHARS),
    ended_at: isoDateTime.optional(),
    duration_seconds: z.number().int().min(0).max(86_400).optional(),
  })
  .openapi("TranscriptionInput");

export const AnalysisInput = z
  .object({
    analyzer: oneLine().trim().min(1).max(100),
    results: z.record(z.string(), z.unknown()).refine((r) => !jsonHasControl(r), "must not contain control characters other than tabs and line breaks"),
  })
  .openapi("AnalysisInput");
export const AnalysisRun = z.object({ id: z.string(), results: z.record(z.string(), z.unknown()), created_at: z.string() }).openapi("AnalysisRun");

export const CallDetails = z
  .object({
    id: z.string(),
    contact_id: z.string().nullable(),
    direction: z.enum(["inbound", "outbound"]),
    source: z.enum(["pipeline", "retell", "vapi"]).openapi({ description: "Reported by the call pipeline's API, or by a voice platform's webhook" }),
    recording_url: z.string().nullable(),
    attestation: z.enum(["A", "B", "C"]).nullable().openapi({ description: "STIR/SHAKEN attestation of the caller id: A full, B partial, C gateway" }),
    caller_phone: z.string().nullable(),
    to_phone: z.string().nullable(),
    started_at: z.string(),
    ended_at: z.string().nullable(),
    duration_seconds: z.number().nullable(),
    received_on: z.string().nullable().openapi({ description: 'The organization line, as "name (formatted number)"' }),
    transcription: z.string().nullable(),
    enrichment: z.object({
      status: z.string().nullable(),
      detail: z.string().nullable(),
      model: z.string().nullable(),
      prompt_tokens: z.number().nullable(),
      completion_tokens: z.number().nullable(),
      enriched_at: z.string().nullable(),
    }),
    analyses: z.array(z.object({ analyzer: z.string(), runs: z.array(AnalysisRun) })),
  })
  .openapi("CallDetails");

export type CallInputT = z.output<typeof CallInput>;
export type TranscriptionInputT = z.output<typeof TranscriptionInput>;
export type CallDetailsT = z.infer<typeof CallDetails>;
/** CallDetails as the store has them: the transcription is an R2 object, read by the Worker. */
export type StoredCallDetails = Omit<CallDetailsT, "transcription"> & { transcript_key: string | null };
