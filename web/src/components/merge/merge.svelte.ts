import {
  ApiError,
  errorMessage,
  getContact,
  historyCounts,
  mergeContacts,
  undoMerge,
  type ContactDetail,
  type HistoryCounts,
  type Merged,
  type MergeField,
} from "../../lib/api";
import { displayName } from "../../lib/contact";
import { plural } from "../../lib/format";
import { notices } from "../../lib/notices.svelte";

// Merging contacts (admins): which contact stays, which value each field keeps, what moves; and
// undoing a merge, from its notice or the banner on the contact that stayed.

const STATUS: Record<string, string> = { active: "Active", inactive: "Inactive", do_not_contact: "Do not contact", archived: "Archived" };
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The fields a merge chooses, in the order the comparison shows them. */
export const MERGE_FIELDS: { key: MergeField; label: string; show?: (value: string) => string }[] = [
  { key: "first_name", label: "First name" },
  { key: "last_name", label: "Last name" },
  { key: "company", label: "Company" },
  { key: "job_title", label: "Job title" },
  { key: "status", label: "Status", show: (v) => STATUS[v] ?? v },
  { key: "pipeline_stage", label: "Pipeline stage", show: capitalize },
  { key: "source", label: "Source" },
  { key: "external_id", label: "External id" },
  { key: "date_of_birth", label: "Date of birth" },
  { key: "gender", label: "Gender" },
  { key: "preferred_language", label: "Language" },
  { key: "timezone", label: "Time zone" },
  { key: "avatar_url", label: "Picture URL" },
  { key: "ai_summary", label: "AI summary" },
];

/** A contact's name as a person reads it in a merge: the name, the company, else its first number. */
export const contactLabel = (c: ContactDetail) => displayName(c) || c.phones[0]?.formatted || "Unknown caller";

const valueOf = (c: ContactDetail, field: MergeField): string => {
  const v = c[field];
  return typeof v === "string" ? v.trim() : "";
};

export interface ComparisonRow {
  key: MergeField;
  label: string;
  /** One per contact, in column order ("" when the contact has none). */
  values: { contactId: string; text: string }[];
  /** Two or more different values: the person picks which one stays. */
  differs: boolean;
}

/** The comparison of two or more contacts before a merge, and the merge itself. */
export class MergePlan {
  status = $state<"loading" | "ready" | "error">("loading");
  error = $state("");
  contacts = $state<ContactDetail[]>([]);
  survivorId = $state("");
  /** The contact whose value each differing field keeps. */
  picks = $state<Partial<Record<MergeField, string>>>({});
  counts = $state<Record<string, HistoryCounts | null>>({});

  readonly survivor = $derived(this.contacts.find((c) => c.id === this.survivorId) ?? null);
  readonly others = $derived(this.contacts.filter((c) => c.id !== this.survivorId));

  /** Fields at least one contact has; those with different values offer a choice. */
  readonly rows: ComparisonRow[] = $derived(
    MERGE_FIELDS.flatMap(({ key, label, show }) => {
      const values = this.contacts.map((c) => {
        const raw = valueOf(c, key);
        return { contactId: c.id, text: raw && show ? show(raw) : raw };
      });
      const distinct = new Set(values.map((v) => v.text).filter(Boolean));
      if (distinct.size === 0) return [];
      return [{ key, label, values, differs: distinct.size > 1 }];
    }),
  );

  async load(ids: string[], survivorId: string) {
    this.status = "loading";
    this.error = "";
    try {
      this.contacts = await Promise.all(ids.map((id) => getContact(id)));
      this.setSurvivor(survivorId);
      this.status = "ready";
    } catch (e) {
      this.status = "error";
      this.error = errorMessage(e);
      return;
    }
    // What moves is a summary: the comparison does not wait for it.
    this.counts = Object.fromEntries(ids.map((id) => [id, null]));
    await Promise.all(
      ids.map(async (id) => {
        try {
          this.counts[id] = await historyCounts(id);
        } catch {
          // Left out of the summary; the merge moves everything regardless.
        }
      }),
    );
  }

  /** Another contact stays: every choice goes back to the rule (its value unless empty). */
  setSurvivor(id: string) {
    this.survivorId = id;
    const order = [id, ...this.contacts.map((c) => c.id).filter((c) => c !== id)];
    const picks: Partial<Record<MergeField, string>> = {};
    for (const { key } of MERGE_FIELDS) {
      const from = order.find((cid) => {
        const c = this.contacts.find((x) => x.id === cid);
        return c && valueOf(c, key);
      });
      if (from) picks[key] = from;
    }
    this.picks = picks;
  }

  /** What the merge moves to the contact that stays, in words ("2 calls, 3 messages, 1 note"). */
  readonly moving = $derived.by(() => {
    const sum = (pick: (c: HistoryCounts) => { n: number; more: boolean }) => {
      let n = 0;
      let more = false;
      for (const c of this.others) {
        const counts = this.counts[c.id];
        if (!counts) continue;
        n += pick(counts).n;
        more ||= pick(counts).more;
      }
      return { n, more };
    };
    const phrase = ({ n, more }: { n: number; more: boolean }, one: string, many?: string) => (n ? `${more ? "more than " : ""}${plural(n, one, many)}` : "");
    const others = this.others;
    return [
      phrase(sum((c) => c.calls), "call"),
      phrase(sum((c) => c.messages), "message"),
      phrase(sum((c) => c.notes), "note"),
      phrase(sum((c) => c.todos), "todo"),
      phrase({ n: others.reduce((n, c) => n + c.phones.length, 0), more: false }, "phone number"),
      phrase({ n: others.reduce((n, c) => n + c.emails.length, 0), more: false }, "email"),
      phrase({ n: others.reduce((n, c) => n + c.addresses.length, 0), more: false }, "address", "addresses"),
    ].filter(Boolean);
  });

  readonly countsLoading = $derived(this.others.some((c) => this.counts[c.id] === null));

  async merge(): Promise<Merged> {
    const fields = Object.fromEntries(this.rows.filter((r) => r.differs && this.picks[r.key]).map((r) => [r.key, this.picks[r.key]]));
    return mergeContacts(
      this.survivorId,
      this.others.map((c) => c.id),
      fields,
    );
  }
}

/** "a, b and c". */
export const listWords = (words: string[]) => (words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`);

/** "Ana Lima and Ana L." / "Ana, Bo and 2 others". */
export function joinNames(names: string[]): string {
  if (names.length <= 3) return listWords(names);
  return `${names.slice(0, 2).join(", ")} and ${names.length - 2} others`;
}

/** "job_title changed" → "job title changed": the server's reasons, in words. */
const reason = (text: string) => text.replaceAll("_", " ");

/** Undoes a merge, saying how it went; `onUndone` reloads what shows the contacts. */
export async function undoMergeAndSay(mergeId: string, onUndone?: () => void): Promise<boolean> {
  try {
    const { contacts } = await undoMerge(mergeId);
    const back = contacts.slice(1).map((c) => displayName(c) || c.phones[0]?.formatted || "a contact");
    notices.show(`Merge undone: ${joinNames(back)} ${back.length === 1 ? "is" : "are"} back as ${back.length === 1 ? "a separate contact" : "separate contacts"}.`, "success");
    onUndone?.();
    return true;
  } catch (e) {
    const blocked = e instanceof ApiError ? e.blockedBy : [];
    notices.show(
      blocked.length ? `The merge cannot be undone: the contact changed since (${blocked.map(reason).join("; ")}).` : `The merge was not undone: ${errorMessage(e)}`,
      "error",
    );
    return false;
  }
}

/** After a merge: a notice that says what happened, with Undo. */
export function announceMerge(result: Merged, mergedNames: string[], onUndone?: () => void) {
  const into = displayName(result.contact) || "the kept contact";
  notices.show(`Merged ${joinNames(mergedNames)} into ${into}.`, "success", undefined, {
    label: "Undo",
    run: () => undoMergeAndSay(result.merge_id, onUndone),
  });
}
