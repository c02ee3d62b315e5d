// Twilio, as Twilio documents it: the Messages API (form-encoded, HTTP Basic with the account
// SID), its webhooks' X-Twilio-Signature, and the status callbacks of a sent message.

import { appOrigin } from "../http/env";

export interface TwilioMessage {
  sid?: string;
  status?: string;
  code?: number;
  message?: string;
}

/**
 * The Twilio account an organization texts through: its own (a Twilio integration), else the
 * platform's (TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN). `statusUrl` is where its delivery receipts
 * arrive, when the Worker knows its public URL.
 */
export interface TwilioAccount {
  sid: string;
  token: string;
  integrationId: string | null;
  statusUrl: string | null;
}

export function platformTwilioAccount(env: Env, organizationId: string): TwilioAccount | null {
  if (!env.TWILIO_ACCOUNT_SID || !env.TWILIO_AUTH_TOKEN) return null;
  const origin = appOrigin(env);
  return {
    sid: env.TWILIO_ACCOUNT_SID,
    token: env.TWILIO_AUTH_TOKEN,
    integrationId: null,
    statusUrl: origin && `${origin}/api/integrations/twilio/platform/status?organization_id=${encodeURIComponent(organizationId)}`,
  };
}

export function integrationStatusUrl(env: Env, integrationId: string): string | null {
  const origin = appOrigin(env);
  return origin && `${origin}/api/integrations/twilio/${integrationId}/status`;
}

const apiBase = (env: Env) => (env.TWILIO_BASE_URL || "https://api.twilio.com").replace(/\/$/, "");
const basic = (account: TwilioAccount) => `Basic ${btoa(`${account.sid}:${account.token}`)}`;

/** Sends one message of ours; Twilio reports its delivery to the account's status URL, with our message id. */
export async function sendTwilioMessage(
  env: Env,
  account: TwilioAccount,
  message: { id: string; to: string; from: string; body: string; mediaUrls: string[] },
): Promise<{ res: Response; body: TwilioMessage }> {
  const form = new URLSearchParams({ To: message.to, From: message.from, Body: message.body });
  for (const url of message.mediaUrls) form.append("MediaUrl", url);
  if (account.statusUrl) {
    const callback = new URL(account.statusUrl);
    callback.searchParams.set("message_id", message.id);
    form.set("StatusCallback", callback.toString());
  }
  const res = await fetch(`${apiBase(env)}/2010-04-01/Accounts/${encodeURIComponent(account.sid)}/Messages.json`, {
    method: "POST",
    headers: { authorization: basic(account), "content-type": "application/x-www-form-urlencoded" },
    body: form,
    signal: AbortSignal.timeout(15_000),
  });
  return { res, body: (await res.json().catch(() => ({}))) as TwilioMessage };
}

/**
 * Headers to fetch a media URL: Basic auth when it is Twilio's own API origin and the account's
 * media (accounts may require HTTP auth on media), nothing for any other host.
 */
export function twilioMediaHeaders(env: Env, account: TwilioAccount | null, url: string): Record<string, string> {
  const parsed = new URL(url);
  if (!account || parsed.origin !== new URL(apiBase(env)).origin) return {};
  return parsed.pathname.startsWith(`/2010-04-01/Accounts/${account.sid}/`) ? { authorization: basic(account) } : {};
}

// ---- Webhook signatures ---------------------------------------------------------------------

/** What Twilio signs: the full URL, then each POST parameter's name and value, names sorted (a repeated name: its distinct values sorted). */
function signedData(url: string, params: URLSearchParams): Uint8Array<ArrayBuffer> {
  const values = new Map<string, string[]>();
  for (const [name, value] of params) values.set(name, [...(values.get(name) ?? []), value]);
  let data = url;
  for (const name of [...values.keys()].sort()) {
    for (const value of [...new Set(values.get(name))].sort()) data += name + value;
  }
  return new TextEncoder().encode(data) as Uint8Array<ArrayBuffer>;
}

const hmacKey = (token: string, algorithm: "SHA-1" | "SHA-256") =>
  crypto.subtle.importKey("raw", new TextEncoder().encode(token), { name: "HMAC", hash: algorithm }, false, ["sign", "verify"]);

/**
 * X-Twilio-Signature: base64 HMAC of the signed data, SHA-1 with the auth token (or SHA-256 when
 * the X-Twilio-Webhooks-Signature-Settings header says so).
 */
export async function twilioSignature(token: string, url: string, params: URLSearchParams, algorithm: "SHA-1" | "SHA-256" = "SHA-1"): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(token, algorithm), signedData(url, params)));
  return btoa(String.fromCharCode(...mac));
}

/** The algorithm the settings header names; null for one this app does not know (refused). */
function signatureAlgorithm(settings: string | undefined): "SHA-1" | "SHA-256" | null {
  const named = /(?:^|,)\s*algorithm=([^,]*)/i.exec(settings ?? "")?.[1]?.trim().toUpperCase();
  if (!named || named === "HMAC_SHA1") return "SHA-1";
  return named === "HMAC_SHA256" ? "SHA-256" : null;
}

/** The URL with and without its scheme's default port: Twilio may have signed either. */
function portVariants(url: string): string[] {
  const m = /^(https?:\/\/)([^/?#:]+)(:\d+)?(.*)$/i.exec(url);
  if (!m) return [url];
  const [, scheme, host, port, rest] = m;
  const standard = scheme!.toLowerCase() === "https://" ? ":443" : ":80";
  return [...new Set([scheme! + host + rest, scheme! + host + (port ?? standard) + rest])];
}

/**
 * Whether a webhook is Twilio's for this auth token. `urls` are the URLs Twilio may have
 * requested (the one received, and the one this app gave out under its public origin).
 */
export async function verifyTwilioSignature(
  token: string,
  headers: { signature: string | undefined; settings: string | undefined },
  urls: string[],
  params: URLSearchParams,
): Promise<boolean> {
  const algorithm = signatureAlgorithm(headers.settings);
  let presented: Uint8Array<ArrayBuffer>;
  try {
    presented = Uint8Array.from(atob(headers.signature ?? ""), (c) => c.charCodeAt(0));
  } catch {
    return false;
  }
  if (presented.length === 0 || !algorithm) return false;
  const key = await hmacKey(token, algorithm);
  for (const url of new Set(urls.flatMap(portVariants))) {
    // crypto.subtle.verify compares in constant time.
    if (await crypto.subtle.verify("HMAC", key, presented, signedData(url, params))) return true;
  }
  return false;
}

// ---- Status callbacks -----------------------------------------------------------------------

/** Our message status for Twilio's MessageStatus; null for the ones before it reached the carrier. */
export function messageStatusOf(twilioStatus: string): "sent" | "delivered" | "undelivered" | "failed" | null {
  switch (twilioStatus) {
    case "sent":
      return "sent";
    case "delivered":
    case "read":
      return "delivered";
    case "undelivered":
      return "undelivered";
    case "failed":
    case "canceled":
      return "failed";
    default:
      return null; // accepted, scheduled, queued, sending: the message is still on Twilio's side
  }
}

/** Twilio's words for the error codes a text most often ends with (twilio.com/docs/api/errors). */
const ERROR_WORDS: Record<number, string> = {
  21211: "the number is not a valid phone number",
  21408: "the account may not send to this region",
  21610: "the recipient replied STOP to this sender",
  21614: "the number cannot receive texts",
  30001: "Twilio's queue for this sender overflowed",
  30002: "the Twilio account is suspended",
  30003: "the handset is unreachable (off or out of coverage)",
  30004: "the carrier blocked the message",
  30005: "the number is unknown to the carrier or no longer in service",
  30006: "the number is a landline or its carrier cannot receive texts",
  30007: "the carrier filtered the message as spam",
  30008: "unknown carrier error",
  30032: "the toll-free number is not verified",
  30034: "the sending number is not registered for US A2P 10DLC",
};

/** "Twilio 30003: the handset is unreachable (off or out of coverage)": Twilio's own message when it gave one. */
export function twilioErrorWords(code: number | null, twilioMessage?: string): string {
  if (code === null) return twilioMessage ?? "no reason given";
  return `Twilio ${code}: ${twilioMessage ?? ERROR_WORDS[code] ?? "see twilio.com/docs/api/errors"}`;
}

/** Twilio's error for a recipient who has unsubscribed (replied STOP) from the sending number. */
export const TWILIO_UNSUBSCRIBED = 21610;

// ---- TwiML ----------------------------------------------------------------------------------

const xmlEscape = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The answer to an inbound message: nothing (`<Response/>`), or one reply. */
export function twiml(reply: string | null): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${reply ? `<Response><Message>${xmlEscape(reply)}</Message></Response>` : "<Response/>"}`;
}
