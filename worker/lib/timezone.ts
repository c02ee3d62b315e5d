// Wall clocks in IANA time zones (Intl only, no data files: the store's list code uses it, and
// the benchmark loads that code in Node). Which zone a phone number is in: number-zones.ts.

// Intl formatters are costly to build (a measurable share of a caller-context answer): one per
// zone and use, kept for the isolate's life (zones are few).
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string, use: "wall" | "spoken"): Intl.DateTimeFormat {
  const key = `${use}:${zone}`;
  let f = formatters.get(key);
  if (!f) {
    f =
      use === "wall"
        ? new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
        : new Intl.DateTimeFormat("en-US", { timeZone: zone, weekday: "long", month: "long", day: "numeric", hour: "numeric", minute: "2-digit" });
    formatters.set(key, f);
  }
  return f;
}

const known = new Map<string, boolean>();

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isZone(zone: string): boolean {
  let ok = known.get(zone);
  if (ok === undefined) {
    try {
      formatter(zone, "wall");
      ok = true;
    } catch {
      ok = false;
    }
    if (known.size < 1000) known.set(zone, ok);
  }
  return ok;
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock time in `zone` at `at`. */
export function wallClock(at: Date, zone: string): Wall {
  const parts = Object.fromEntries(formatter(zone, "wall").formatToParts(at).map((p) => [p.type, p.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second) };
}

/** A time a voice agent can read out: "Tuesday, December 1 at 9:32 AM". */
export const spokenTime = (at: Date, zone: string) => formatter(zone, "spoken").format(at);

/** `zone`'s offset from UTC at `at`, in minutes. */
function offsetMinutes(at: Date, zone: string): number {
  const w = wallClock(at, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** The instant a day (YYYY-MM-DD) begins in `zone` (twice corrected, for a day that starts in a DST change). */
export function startOfDay(day: string, zone: string): Date {
  const midnight = Date.parse(`${day}T00:00:00Z`);
  let at = midnight - offsetMinutes(new Date(midnight), zone) * 60_000;
  at = midnight - offsetMinutes(new Date(at), zone) * 60_000;
  return new Date(at);
}

/** ISO 8601 with the zone's offset, e.g. 2026-12-01T07:32:10-06:00. */
export function localIso(at: Date, zone: string): string {
  const w = wallClock(at, zone);
  const off = offsetMinutes(at, zone);
  const sign = off < 0 ? "-" : "+";
  const abs = Math.abs(off);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether `at` falls inside the allowed window [start, end) of local time in `zone` (a window
 * may cross midnight, e.g. 20:00–02:00), and if not, the next instant it opens.
 */
export function window(at: Date, zone: string, start: string, end: string): { open: boolean; nextOpen: Date | null } {
  const w = wallClock(at, zone);
  const now = w.hour * 60 + w.minute;
  const [from, to] = [minutesOf(start), minutesOf(end)];
  const open = from === to ? true : from < to ? now >= from && now < to : now >= from || now < to;
  if (open) return { open, nextOpen: null };
  // The next local `start`: today if it is still ahead, else tomorrow — found as a UTC instant by
  // trying the zone's offset at that wall time (twice, for a DST change in between).
  const dayShift = now < from ? 0 : 1;
  const wallStart = Date.UTC(w.year, w.month - 1, w.day + dayShift, Math.floor(from / 60), from % 60);
  let guess = new Date(wallStart - offsetMinutes(at, zone) * 60_000);
  guess = new Date(wallStart - offsetMinutes(guess, zone) * 60_000);
  return { open, nextOpen: guess };
}
