// How every button looks, and every link drawn as one: a variant (its colors) at a size (its
// shape). Button.svelte uses it; so do links and the contact page's plain <button>s, which need
// their elements (bind:this, focus) or are not buttons at all.

const VARIANTS = {
  primary: "bg-zinc-900 text-white shadow-sm hover:bg-zinc-700",
  secondary: "border border-zinc-300 bg-white text-zinc-800 shadow-xs hover:bg-zinc-50",
  ghost: "text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900",
  /** Icon-only buttons beside text: quieter than ghost until hovered. */
  subtle: "text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900",
  danger: "bg-red-600 text-white shadow-sm hover:bg-red-500",
  dangerOutline: "border border-red-300 bg-white text-red-700 shadow-xs hover:bg-red-50",
} as const;

const SIZES = {
  md: "h-10 gap-2 rounded-lg px-3.5 text-sm",
  sm: "h-8 gap-2 rounded-lg px-2.5 text-sm",
  /** The contact page's dense columns (padding by variant, below). */
  compact: "h-8 gap-1.5 rounded-md text-sm",
  /** A square for an icon alone. */
  icon: "size-7 rounded-md",
} as const;

export type ButtonVariant = keyof typeof VARIANTS;
export type ButtonSize = keyof typeof SIZES;

// Where space is tight, filled buttons keep a little more room than outlined ones (whose border
// takes a pixel) and text-only ones hug their words.
const COMPACT_PADDING: Record<ButtonVariant, string> = {
  primary: "px-3",
  danger: "px-3",
  secondary: "px-2.5",
  dangerOutline: "px-2.5",
  ghost: "px-2",
  subtle: "px-2",
};

export const button = (variant: ButtonVariant = "secondary", size: ButtonSize = "md") =>
  [
    "inline-flex shrink-0 items-center justify-center font-medium whitespace-nowrap transition-colors disabled:cursor-not-allowed disabled:opacity-60",
    SIZES[size],
    size === "compact" && COMPACT_PADDING[variant],
    VARIANTS[variant],
  ]
    .filter(Boolean)
    .join(" ");
