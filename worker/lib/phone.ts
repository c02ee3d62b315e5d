import {
  type CountryCode,
  getCountries,
  parsePhoneNumberFromString,
} from "libphonenumber-js/min";

export interface ParsedPhone {
  e164: string;
  /** Digits of the E.164 number, without "+". */
  digits: string;
  /** Digits of the national form (what people type locally, e.g. 5551234567 or 02079460958). */
  nationalDigits: string;
}

const COUNTRIES = new Set<string>(getCountries());
export const isRegion = (value: string): value is CountryCode => COUNTRIES.has(value);

const WITHHELD = /^(anonymous|restricted|private|unknown|unavailable|withheld|blocked)$/i;

export type PhoneParse =
  | { ok: true; phone: ParsedPhone }
  | { ok: false; reason: "withheld" | "invalid" };

/**
 * Parses what a person or a carrier wrote into E.164, with the organization's region for
 * numbers written without a country code. We require a *possible* number (right length and
 * structure for its country) rather than a number in a currently assigned range: metadata lags
 * real allocations, and refusing a real caller is worse than storing an unusual number.
 */
export function parsePhone(input: string, region: string): PhoneParse {
  const raw = input.trim();
  if (raw === "" || WITHHELD.test(raw)) return { ok: false, reason: "withheld" };
  if (!/^[+\d\s().\-/]+$/.test(raw) || !/\d/.test(raw)) return { ok: false, reason: "invalid" };
  const parsed = parsePhoneNumberFromString(raw, isRegion(region) ? region : "US");
  if (!parsed || !parsed.isPossible()) return { ok: false, reason: "invalid" };
  return {
    ok: true,
    phone: {
      e164: parsed.number,
      digits: parsed.number.slice(1),
      nationalDigits: parsed.formatNational().replace(/\D/g, ""),
    },
  };
}

/** How a number is shown: its country (if it has one) and both written forms. */
export interface PhoneForms {
  country: string | null;
  national: string;
  international: string;
}

/**
 * The display forms of an E.164 number, which do not depend on the organization: stored with a
 * contact's number when it is written, so reading a list parses nothing.
 */
export function phoneForms(e164: string): PhoneForms {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return { country: null, national: e164, international: e164 };
  return { country: parsed.country ?? null, national: parsed.formatNational(), international: parsed.formatInternational() };
}

/**
 * Display form: national format for the organization's own country, international otherwise
 * (a contact's numbers: the same rule over their stored forms, in CONTACTS_JSON).
 */
export function formatPhone(e164: string, region: string): string {
  const forms = phoneForms(e164);
  return forms.country === region ? forms.national : forms.international;
}
