import ipaddr from "ipaddr.js";

// Where webhooks may go: https URLs on public addresses only (no loopback, private, link-local,
// carrier-grade NAT, multicast, reserved or cloud-metadata ranges), unless local development
// allows http://127.0.0.1 and http://localhost (WEBHOOK_ALLOW_LOOPBACK=true).

/** `local`: an address or a loopback name, so there is nothing to resolve before connecting. */
export type UrlVerdict = { ok: true; url: URL; host: string; local: boolean } | { ok: false; reason: string };

const LOOPBACK_NAMES = /^(localhost|.+\.localhost)$/i;
/** Names that only resolve inside some network: never a public endpoint. */
const INTERNAL_NAMES = /\.(local|internal|intranet|lan|home\.arpa|corp)$/i;

/** An IP address (v4, or v6 with v4-mapped ones read as v4) that is public unicast. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === "unicast";
}

function isLoopbackAddress(address: string): boolean {
  return ipaddr.isValid(address) && ipaddr.process(address).range() === "loopback";
}

/** What the URL says, before any DNS: scheme, credentials, and the host if it is an address or a reserved name. */
export function checkWebhookUrl(raw: string, allowLoopback: boolean): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "is not an absolute URL" };
  }
  if (url.username || url.password) return { ok: false, reason: "must not carry a user name or password" };
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const literal = ipaddr.isValid(host);
  const loopback = literal ? isLoopbackAddress(host) : LOOPBACK_NAMES.test(host);
  if (loopback) {
    if (!allowLoopback) return { ok: false, reason: "points at this machine (loopback); only public addresses can receive webhooks" };
    if (url.protocol !== "http:" && url.protocol !== "https:") return { ok: false, reason: "must be an http or https URL" };
    return { ok: true, url, host, local: true };
  }
  if (url.protocol !== "https:") return { ok: false, reason: "must be an https URL" };
  if (literal) return isPublicAddress(host) ? { ok: true, url, host, local: true } : { ok: false, reason: `is a private or reserved address (${host})` };
  if (!host.includes(".") || INTERNAL_NAMES.test(host)) return { ok: false, reason: `is not a public host name (${host})` };
  return { ok: true, url, host, local: false };
}

interface DnsJson {
  Status: number;
  Answer?: { type: number; data: string }[];
}

const A = 1;
const AAAA = 28;
const resolved = new Map<string, { addresses: string[]; until: number }>();
const CACHE_MS = 60_000;

/**
 * The host's A and AAAA addresses from a DNS-over-HTTPS resolver (JSON API), cached a minute.
 * Throws when the resolver cannot be asked (a retryable failure).
 */
export async function resolveHost(host: string, resolver: string): Promise<string[]> {
  const cached = resolved.get(host);
  if (cached && cached.until > Date.now()) return cached.addresses;
  const ask = async (type: number) => {
    const url = new URL(resolver);
    url.searchParams.set("name", host);
    url.searchParams.set("type", String(type));
    const res = await fetch(url, { headers: { accept: "application/dns-json" }, signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`the DNS resolver answered ${res.status}`);
    const body = (await res.json()) as DnsJson;
    return (body.Answer ?? []).filter((a) => a.type === type).map((a) => a.data);
  };
  const addresses = (await Promise.all([ask(A), ask(AAAA)])).flat();
  resolved.set(host, { addresses, until: Date.now() + CACHE_MS });
  return addresses;
}
