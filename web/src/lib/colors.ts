/** Tag colors offered as swatches; any other hex color can be picked too. */
export const SWATCHES = [
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

export const isHexColor = (v: string) => /^#[0-9a-f]{6}$/i.test(v);

export const colorName = (hex: string) => SWATCHES.find((s) => s.value === hex.toLowerCase())?.name ?? hex;
