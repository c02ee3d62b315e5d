import { asc, eq } from "drizzle-orm";
import { newId, nowIso } from "../lib/ids";
import { formatPhone } from "../lib/phone";
import { Problem, notFound } from "../lib/problem";
import type { StoreContext } from "./context";
import { parsePhoneInput } from "./numbers";
import { phoneLines } from "./schema";

export const settings = (s: StoreContext) => {
  const hours = s.quietHours();
  return { default_region: s.defaultRegion(), timezone: hours.timezone, quiet_hours: { start: hours.start, end: hours.end } };
};

/**
 * Changes the settings given. A new region changes how every later number without a country code
 * is read; quiet hours and the time zone apply to every later text and call.
 */
export function updateSettings(s: StoreContext, patch: { default_region?: string; timezone?: string | null; quiet_hours?: { start: string; end: string } }) {
  if (patch.default_region !== undefined) s.setDefaultRegion(patch.default_region);
  if (patch.timezone !== undefined || patch.quiet_hours) s.setQuietHours({ ...(patch.timezone !== undefined && { timezone: patch.timezone }), ...patch.quiet_hours });
  return settings(s);
}

const lineJson = (l: typeof phoneLines.$inferSelect, region: string) => ({
  id: l.id,
  name: l.name,
  phone_number: l.phoneNumber,
  formatted: formatPhone(l.phoneNumber, region),
});

export function listLines(s: StoreContext) {
  const region = s.defaultRegion();
  return s.db.select().from(phoneLines).orderBy(asc(phoneLines.createdAt)).all().map((l) => lineJson(l, region));
}

export function addLine(s: StoreContext, { name, phone_number }: { name: string; phone_number: string }) {
  const parsed = parsePhoneInput(s, phone_number);
  if (s.db.select({ id: phoneLines.id }).from(phoneLines).where(eq(phoneLines.phoneNumber, parsed.e164)).get()) {
    throw new Problem(409, `${parsed.e164} is already one of the organization's lines.`);
  }
  const row = { id: newId(), name, phoneNumber: parsed.e164, createdAt: nowIso() };
  s.db.insert(phoneLines).values(row).run();
  return lineJson(row, s.defaultRegion());
}

export function deleteLine(s: StoreContext, id: string) {
  if (s.db.delete(phoneLines).where(eq(phoneLines.id, id)).returning({ id: phoneLines.id }).all().length === 0) throw notFound("Phone line");
}
