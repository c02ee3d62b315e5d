// Twilio's Messages API, as Twilio documents it (form-encoded, HTTP Basic with the account SID).

export interface TwilioMessage {
  sid?: string;
  status?: string;
  code?: number;
  message?: string;
}

export function twilioConfigured(env: Env): boolean {
  return Boolean(env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN);
}

export async function sendTwilioMessage(env: Env, to: string, from: string, body: string, mediaUrls: string[]): Promise<{ res: Response; body: TwilioMessage }> {
  const form = new URLSearchParams({ To: to, From: from, Body: body });
  for (const url of mediaUrls) form.append("MediaUrl", url);
  const base = (env.TWILIO_BASE_URL || "https://api.twilio.com").replace(/\/$/, "");
  const res = await fetch(`${base}/2010-04-01/Accounts/${encodeURIComponent(env.TWILIO_ACCOUNT_SID ?? "")}/Messages.json`, {
    method: "POST",
    headers: {
      authorization: `Basic ${btoa(`${env.TWILIO_ACCOUNT_SID}:${env.TWILIO_AUTH_TOKEN}`)}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: form,
    signal: AbortSignal.timeout(15_000),
  });
  return { res, body: (await res.json().catch(() => ({}))) as TwilioMessage };
}

/**
 * Headers to fetch a media URL Twilio serves: Basic auth when it is Twilio's own API origin
 * (accounts may require HTTP auth on media), nothing for any other host.
 */
export function twilioMediaHeaders(env: Env, url: string): Record<string, string> {
  const base = new URL(env.TWILIO_BASE_URL || "https://api.twilio.com");
  if (!twilioConfigured(env) || new URL(url).origin !== base.origin) return {};
  return { authorization: `Basic ${btoa(`${env.TWILIO_ACCOUNT_SID}:${env.TWILIO_AUTH_TOKEN}`)}` };
}
