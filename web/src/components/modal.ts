/**
 * A modal <dialog> that follows an `open` flag: the page behind is inert and Escape closes it;
 * focus moves into it when it opens and back to whatever had it when it closes.
 */
export class Modal {
  #opener: HTMLElement | null = null;

  /** Call whenever `open` changes; `focus` is the element to start on. */
  follow(dialog: HTMLDialogElement, open: boolean, focus: () => HTMLElement | null | undefined) {
    if (open && !dialog.open) {
      this.#opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
      focus()?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }

  /** For the dialog's close event: Escape (or anything else) closed it while `open` still says open. */
  closed(open: boolean, onClose: () => void) {
    if (this.#opener?.isConnected) this.#opener.focus();
    this.#opener = null;
    if (open) onClose();
  }
}
