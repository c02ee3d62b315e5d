// Class lists shared by the contact detail page's fields, pills and column headers, so they look alike.

const selectBase =
  "block min-w-0 rounded-md border border-zinc-300 bg-white px-2 text-zinc-900 shadow-xs focus:border-indigo-600 focus:ring-3 focus:ring-indigo-600/30 focus:outline-none";

export const field = {
  label: "block text-xs font-medium text-zinc-600",
  input:
    "block h-9 w-full min-w-0 rounded-md border border-zinc-300 bg-white px-2.5 text-base text-zinc-900 shadow-xs placeholder:text-zinc-500 focus:border-indigo-600 focus:ring-3 focus:ring-indigo-600/30 focus:outline-none aria-invalid:border-red-400 sm:text-sm",
  /** Without a width: give it w-full or let it size to its options. */
  select: `h-9 text-base sm:text-sm ${selectBase}`,
  selectSmall: `h-7 text-xs ${selectBase}`,
  textarea:
    "block w-full rounded-md border border-zinc-300 bg-white px-2.5 py-2 text-base text-zinc-900 shadow-xs placeholder:text-zinc-500 focus:border-indigo-600 focus:ring-3 focus:ring-indigo-600/30 focus:outline-none sm:text-sm",
  error: "mt-1 text-xs text-red-700",
};

export const pill = (active: boolean) =>
  [
    "inline-flex h-7 shrink-0 items-center rounded-full px-2.5 text-xs font-medium",
    active ? "bg-zinc-900 text-white" : "bg-white text-zinc-600 ring-1 ring-zinc-200 ring-inset hover:bg-zinc-50 hover:text-zinc-900",
  ];

/** Sticky strip at the top of a column: below the app header when stacked, at the column's top on lg. */
export const columnHeader =
  "sticky top-(--header-h) z-[5] flex min-h-12 items-center gap-2 border-b border-zinc-200 bg-white px-4 lg:top-0";

/**
 * Keyboard shortcuts for a form: Escape cancels, Ctrl/⌘+Enter submits. An attachment rather than
 * an onkeydown attribute, because the form itself is not the control the keys belong to.
 */
export const formKeys =
  ({ cancel, submit }: { cancel: () => void; submit?: () => void }) =>
  (form: HTMLElement) => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") cancel();
      else if (submit && event.key === "Enter" && (event.ctrlKey || event.metaKey)) submit();
      else return;
      event.preventDefault();
      event.stopPropagation();
    };
    form.addEventListener("keydown", onKey);
    return () => form.removeEventListener("keydown", onKey);
  };
