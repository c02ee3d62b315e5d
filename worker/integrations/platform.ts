/** The URL if it is https (a recording link is shown to people as a link), else nothing. */
export function httpsUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    return new URL(value).protocol === "https:" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A call as a voice platform reports it, in this app's terms (each platform's module maps to it). */
export interface PlatformCall {
  /** The platform's call id, prefixed with the platform (`retell:…`, `vapi:…`): the call's external_id. */
  externalId: string;
  direction: "inbound" | "outbound";
  /** The contact's number: the caller of an inbound call, the callee of an outbound one. */
  contactPhone: string;
  /** The organization's number the call is on. */
  linePhone: string;
  fromPhone: string;
  toPhone: string;
  startedAt?: string;
  endedAt?: string;
  durationSeconds?: number;
  transcript?: string;
  recordingUrl?: string;
  analysis?: { analyzer: string; results: Record<string, unknown> };
}
