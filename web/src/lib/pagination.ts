export type PageItem = number | "gap-start" | "gap-end";

/**
 * Page buttons for `current` of `total` (0-based): all of them when few, else the first, the
 * last, the current one and its neighbours with gaps between. Always at most 7 items, so the
 * control keeps its width as the current page moves.
 */
export function pageItems(current: number, total: number): PageItem[] {
  if (total <= 7) return Array.from({ length: total }, (_, i) => i);
  const last = total - 1;
  if (current <= 3) return [0, 1, 2, 3, 4, "gap-end", last];
  if (current >= last - 3) return [0, "gap-start", last - 4, last - 3, last - 2, last - 1, last];
  return [0, "gap-start", current - 1, current, current + 1, "gap-end", last];
}
