import type { Attachment } from "svelte/attachments";

/**
 * Listens for keys pressed inside an element (arrow keys in a menu, Escape in a form). The
 * controls inside are what people interact with; the container only adds shortcuts to them.
 */
export const keydownWithin =
  (handler: (event: KeyboardEvent) => void): Attachment<HTMLElement> =>
  (node) => {
    node.addEventListener("keydown", handler);
    return () => node.removeEventListener("keydown", handler);
  };
