import type { NoteArea, NoteSort } from "../../lib/api";

export const AREAS: readonly { value: NoteArea | "all"; label: string }[] = [
  { value: "all", label: "All" },
  { value: "manual", label: "Manual" },
  { value: "call", label: "Call" },
  { value: "sms", label: "SMS" },
  { value: "ai", label: "AI" },
  { value: "alert", label: "Alert" },
];

export const AREA_TONE: Record<NoteArea, string> = {
  manual: "bg-zinc-100 text-zinc-700 ring-zinc-200",
  call: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  sms: "bg-sky-50 text-sky-800 ring-sky-200",
  ai: "bg-violet-50 text-violet-800 ring-violet-200",
  alert: "bg-red-50 text-red-800 ring-red-200",
};

export const SORTS: readonly { value: NoteSort; label: string }[] = [
  { value: "newest", label: "Newest" },
  { value: "oldest", label: "Oldest" },
  { value: "recently_edited", label: "Recently edited" },
];
