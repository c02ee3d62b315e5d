import { tick } from "svelte";
import { Attempts } from "../../lib/action.svelte";

/**
 * An editor shown in place of what it edits (a name, a field, a note): opening it focuses its
 * field, closing it gives focus back to the button that opened it. Bind `field` and `opener`.
 */
export class InlineEditor {
  open = $state(false);
  error = $state("");
  field = $state<HTMLInputElement | HTMLTextAreaElement>();
  opener = $state<HTMLButtonElement>();

  async start() {
    this.error = "";
    await this.reopen();
  }

  /** Opens it again after the server refused what it saved, with the reason already in `error`. */
  async reopen() {
    this.open = true;
    await tick();
    this.field?.focus();
  }

  async close() {
    this.open = false;
    await tick();
    this.opener?.focus();
  }
}

/**
 * Adding, editing and removing the items of a sidebar list (phones, emails, addresses): at most
 * one form is open, for a new item or one being edited; closing it gives focus back to the
 * button that opened it; a refused list action (make preferred, remove: `attempt`) is said
 * under the list (`error`).
 */
export class ListEditor extends Attempts {
  /** null: no form; "new": adding one; otherwise the id of the item being edited. */
  editing = $state<string | null>(null);
  saving = $state(false);
  addButton = $state<HTMLButtonElement>();
  readonly #idPrefix: string;

  /** `idPrefix` is the section's $props.id(): edit buttons are `${idPrefix}-edit-${item.id}`. */
  constructor(idPrefix: string) {
    super();
    this.#idPrefix = idPrefix;
  }

  editButtonId(itemId: string) {
    return `${this.#idPrefix}-edit-${itemId}`;
  }

  async open(itemId: string | null) {
    this.editing = itemId ?? "new";
    await tick();
  }

  async close() {
    const was = this.editing;
    this.editing = null;
    await tick();
    if (was === "new") this.addButton?.focus();
    else if (was) document.getElementById(this.editButtonId(was))?.focus();
  }

  /** Saves the open form and closes it; when the server refuses, `fail` says why and it stays open. */
  async save(write: (editing: string) => Promise<void>, fail: (e: unknown) => void) {
    const editing = this.editing;
    if (!editing) return;
    this.saving = true;
    try {
      await write(editing);
      await this.close();
    } catch (e) {
      fail(e);
    } finally {
      this.saving = false;
    }
  }
}
