// The tag colors the product offers (the web app's swatches) and the one a tag gets when nobody
// picks (a tag an import or a contact's page creates): the same name always gets the same color.

export const TAG_SWATCHES = [
  { value: "#ef4444", name: "Red" },
  { value: "#f97316", name: "Orange" },
  { value: "#f59e0b", name: "Amber" },
  { value: "#84cc16", name: "Lime" },
  { value: "#10b981", name: "Emerald" },
  { value: "#06b6d4", name: "Cyan" },
  { value: "#3b82f6", name: "Blue" },
  { value: "#6366f1", name: "Indigo" },
  { value: "#a855f7", name: "Purple" },
  { value: "#ec4899", name: "Pink" },
  { value: "#71717a", name: "Gray" },
] as const;

/** Gray is for choosing, not for handing out. */
const AUTOMATIC = TAG_SWATCHES.filter((s) => s.name !== "Gray").map((s) => s.value);

export const tagColorFor = (name: string): string =>
  AUTOMATIC[[...name.toLowerCase()].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7) % AUTOMATIC.length]!;
