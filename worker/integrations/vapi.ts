import { z } from "zod";
import { type PlatformCall, httpsUrl } from "./platform";

// Vapi's server messages, as Vapi documents them (docs.vapi.ai: server-url/events,
// server-authentication, assistants/personalization) and @vapi-ai/server-sdk types them.

const encoder = new TextEncoder();

async function sameSecret(a: string, b: string): Promise<boolean> {
  // Compare digests, so the comparison takes the same time whatever the difference.
  const [x, y] = await Promise.all([crypto.subtle.digest("SHA-256", encoder.encode(a)), crypto.subtle.digest("SHA-256", encoder.encode(b))]);
  const dx = new Uint8Array(x);
  const dy = new Uint8Array(y);
  let diff = 0;
  for (let i = 0; i < dx.length; i++) diff |= dx[i]! ^ dy[i]!;
  return diff === 0;
}

/**
 * Vapi sends the secret the admin configured as they set it up: the legacy `X-Vapi-Secret`
 * header (or a Bearer credential with that header name), or `Authorization: Bearer <secret>`.
 */
export async function verifyVapiSecret(headers: Headers, secret: string): Promise<boolean> {
  const presented = headers.get("x-vapi-secret") ?? /^Bearer\s+(.+)$/i.exec(headers.get("authorization") ?? "")?.[1];
  return presented !== undefined && presented !== null && (await sameSecret(presented.trim(), secret));
}

const Customer = z.object({ number: z.string().max(64).optional() }).loose();
const Call = z
  .object({
    id: z.string().min(1).max(200),
    type: z.string().optional(),
    customer: Customer.optional(),
    startedAt: z.string().optional(),
    endedAt: z.string().optional(),
  })
  .loose();
const PhoneNumber = z.object({ number: z.string().max(64).optional() }).loose();

const Message = z
  .object({
    type: z.string(),
    call: Call.optional(),
    customer: Customer.optional(),
    phoneNumber: PhoneNumber.optional(),
    status: z.string().optional(),
    endedReason: z.string().optional(),
    startedAt: z.string().optional(),
    endedAt: z.string().optional(),
    durationSeconds: z.number().optional(),
    artifact: z
      .object({ transcript: z.string().optional(), recordingUrl: z.string().optional(), recording: z.unknown().optional() })
      .loose()
      .optional(),
    analysis: z.object({ summary: z.string().optional(), structuredData: z.unknown().optional(), successEvaluation: z.unknown().optional() }).loose().optional(),
    // Fields Vapi sent at the top level before `artifact` and `analysis`.
    transcript: z.string().optional(),
    summary: z.string().optional(),
    recordingUrl: z.string().optional(),
  })
  .loose();
export const VapiServerMessage = z.object({ message: Message }).loose();
export type VapiMessage = z.infer<typeof Message>;

/** The caller (or callee) and the organization's number of a message. */
export function vapiParties(m: VapiMessage): { contactPhone: string; linePhone: string; direction: "inbound" | "outbound" } {
  return {
    contactPhone: m.customer?.number ?? m.call?.customer?.number ?? "",
    linePhone: m.phoneNumber?.number ?? "",
    direction: m.call?.type === "outboundPhoneCall" ? "outbound" : "inbound",
  };
}

const seconds = (from?: string, to?: string) => (from && to ? Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000)) : undefined);

/** A status-update or end-of-call-report as a call to record, keyed on Vapi's call id. */
export function vapiCall(m: VapiMessage & { call: { id: string } }): PlatformCall {
  const { contactPhone, linePhone, direction } = vapiParties(m);
  const startedAt = m.startedAt ?? m.call.startedAt;
  const endedAt = m.endedAt ?? m.call.endedAt;
  const report = m.type === "end-of-call-report";
  const recording = m.artifact?.recordingUrl ?? m.recordingUrl;
  const summary = m.analysis?.summary ?? m.summary;
  return {
    externalId: `vapi:${m.call.id}`,
    direction,
    contactPhone,
    linePhone,
    fromPhone: direction === "outbound" ? linePhone : contactPhone,
    toPhone: direction === "outbound" ? contactPhone : linePhone,
    startedAt: startedAt ?? (m.type === "status-update" && m.status === "in-progress" ? new Date().toISOString() : undefined),
    endedAt,
    durationSeconds: m.durationSeconds ?? seconds(startedAt, endedAt),
    transcript: report ? (m.artifact?.transcript ?? m.transcript) : undefined,
    recordingUrl: httpsUrl(recording),
    analysis:
      report && (summary || m.analysis)
        ? {
            analyzer: "vapi",
            results: { summary: summary ?? null, structured_data: m.analysis?.structuredData ?? null, success_evaluation: m.analysis?.successEvaluation ?? null, ended_reason: m.endedReason ?? null },
          }
        : undefined,
  };
}
