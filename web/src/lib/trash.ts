import { errorMessage, restoreContact, type Restored } from "./api";
import { displayName } from "./contact";
import { plural } from "./format";
import { notices } from "./notices.svelte";

// Deleted contacts go to the trash for 30 days: the notice after a delete offers to undo it, and
// a restore says which numbers stayed with the contact that holds them now.

const numbers = (taken: Restored["phones_taken"]) => taken.map((p) => p.phone_number).join(", ");

/** Restores one contact and says so (with the numbers that stayed elsewhere); null when it failed. */
export async function restoreAndSay(id: string, onRestored?: (r: Restored) => void): Promise<Restored | null> {
  try {
    const restored = await restoreContact(id);
    announceRestore(restored);
    onRestored?.(restored);
    return restored;
  } catch (e) {
    notices.show(`The contact was not restored: ${errorMessage(e)}`, "error");
    return null;
  }
}

/** "Maya Okafor was restored." — or that some of its numbers stayed with the contact that has them now. */
export function announceRestore({ contact, phones_taken }: Restored) {
  const name = displayName(contact) || "The contact";
  const first = phones_taken[0];
  if (!first) {
    notices.show(`${name} was restored.`, "success", { href: `/contacts/${contact.id}`, label: "Open" });
    return;
  }
  notices.show(
    `${name} was restored, but ${numbers(phones_taken)} stayed with the contact that has ${phones_taken.length === 1 ? "it" : "them"} now.`,
    "info",
    { href: `/contacts/${first.contact_id}`, label: "Open that contact" },
  );
}

/** After a delete: "… moved to the trash" with Undo, which restores them and then runs `onRestored`. */
export function announceTrashed(ids: string[], name: string | null, onRestored?: () => void) {
  const what = ids.length === 1 && name ? name : plural(ids.length, "contact");
  notices.show(`${what} ${ids.length === 1 ? "was" : "were"} moved to the trash.`, "success", { href: "/contacts/trash", label: "Trash" }, {
    label: "Undo",
    run: async () => {
      if (ids.length === 1) {
        if (await restoreAndSay(ids[0]!)) onRestored?.();
        return;
      }
      const results = await Promise.allSettled(ids.map((id) => restoreContact(id)));
      const back = results.filter((r) => r.status === "fulfilled").length;
      const taken = results.flatMap((r) => (r.status === "fulfilled" ? r.value.phones_taken : []));
      if (back < ids.length) notices.show(`${plural(ids.length - back, "contact")} could not be restored. Look for them in the trash.`, "error", { href: "/contacts/trash", label: "Trash" });
      if (back)
        notices.show(
          `${plural(back, "contact")} restored${taken.length ? `; ${numbers(taken)} stayed with the contacts that have them now` : ""}.`,
          taken.length ? "info" : "success",
        );
      if (back) onRestored?.();
    },
  });
}
