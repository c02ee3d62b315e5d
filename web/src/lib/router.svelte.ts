export type QueryValue = string | string[] | number | null | undefined;

/** "/contacts/:id" against "/contacts/0193…" → { id: "0193…" }; null when it does not match. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/");
  const got = path.replace(/\/+$/, "").split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const value = got[i] ?? "";
    if (part.startsWith(":")) {
      if (!value) return null;
      try {
        params[part.slice(1)] = decodeURIComponent(value);
      } catch {
        return null;
      }
    } else if (part !== value) return null;
  }
  return params;
}

/** A local path to return to after signing in; anything else (another site, junk) is refused. */
export const safeNext = (value: string | null | undefined) =>
  value && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/api/") ? value : null;

/** A history-API router: the current path and query as state, and in-app links without reloads. */
class Router {
  path = $state(location.pathname);
  search = $state(location.search);
  readonly query = $derived(new URLSearchParams(this.search));

  constructor() {
    addEventListener("popstate", () => this.#sync());
    document.addEventListener("click", (event) => this.#onClick(event));
  }

  /** Goes to a path, optionally with "?query". */
  go(url: string, { replace = false } = {}) {
    const target = new URL(url, location.origin);
    const next = target.pathname + target.search;
    if (next !== location.pathname + location.search) {
      if (replace) history.replaceState(null, "", next);
      else history.pushState(null, "", next);
    }
    this.#sync();
  }

  /**
   * Changes some query parameters of the current page, leaving the others; empty values are
   * removed. `replace` for changes that should not each be a step of the back button (typing).
   */
  setQuery(changes: Record<string, QueryValue>, { replace = false } = {}) {
    const params = new URLSearchParams(location.search);
    for (const [key, value] of Object.entries(changes)) {
      const text = Array.isArray(value) ? value.join(",") : value == null ? "" : String(value);
      if (text) params.set(key, text);
      else params.delete(key);
    }
    const search = params.toString();
    this.go(location.pathname + (search ? `?${search}` : ""), { replace });
  }

  #sync() {
    this.path = location.pathname;
    this.search = location.search;
  }

  #onClick(event: MouseEvent) {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element | null)?.closest?.("a");
    if (!link || link.target || link.hasAttribute("download") || link.origin !== location.origin) return;
    if (link.pathname.startsWith("/api/")) return;
    // A jump within this page (#section) is the browser's to do.
    if (link.hash && link.pathname === location.pathname && link.search === location.search) return;
    event.preventDefault();
    this.go(link.pathname + link.search);
  }
}

export const router = new Router();
