import { TAG_SWATCHES } from "../../../worker/lib/tag-colors";

/** Tag colors offered as swatches; any other hex color can be picked too. */
export const SWATCHES = TAG_SWATCHES;

export const isHexColor = (v: string) => /^#[0-9a-f]{6}$/i.test(v);

export const colorName = (hex: string) => SWATCHES.find((s) => s.value === hex.toLowerCase())?.name ?? hex;
