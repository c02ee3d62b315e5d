import { ApiError, errorMessage, getMe, signOut, type Me } from "./api";
import { router } from "./router.svelte";

type Status = "unknown" | "signed-out" | "no-organization" | "ready" | "error";

/** Who is signed in and in which organization, as GET /api/me says; loaded once per sign-in. */
class Session {
  status = $state<Status>("unknown");
  me = $state<Me | null>(null);
  error = $state("");
  /** Owners and admins manage members, tags, keys and assignments. */
  readonly isAdmin = $derived(this.me?.role === "owner" || this.me?.role === "admin");
  #loading: Promise<void> | null = null;
  // A load that was under way when forget() was called must not write its stale answer.
  #generation = 0;

  load(): Promise<void> {
    this.#loading ??= this.#fetch();
    return this.#loading;
  }

  /** After signing in or out, or switching organization: the next load asks the server again. */
  forget() {
    this.#generation++;
    this.status = "unknown";
    this.me = null;
    this.error = "";
    this.#loading = null;
  }

  /** Signs out and goes to sign-in, which returns to `next` (a local path) once signed in again. */
  async signOut(next?: string) {
    await signOut();
    this.forget();
    router.go(next ? `/sign-in?next=${encodeURIComponent(next)}` : "/sign-in");
  }

  async #fetch() {
    const generation = this.#generation;
    try {
      const me = await getMe();
      if (generation !== this.#generation) return;
      this.me = me;
      this.status = "ready";
    } catch (e) {
      if (generation !== this.#generation) return;
      const status = e instanceof ApiError ? e.status : 0;
      if (status === 401) this.status = "signed-out";
      else if (status === 403) this.status = "no-organization";
      else {
        this.status = "error";
        this.error = errorMessage(e);
        this.#loading = null;
      }
    }
  }
}

export const session = new Session();

/**
 * The words for a read that failed. An ended session or lost permission (401, 403) also sends the
 * app back through the session check, which routes to sign-in or onboarding.
 */
export function loadErrorMessage(e: unknown): string {
  const lostAccess = e instanceof ApiError && (e.status === 401 || e.status === 403);
  if (lostAccess && session.status === "ready") session.forget();
  return errorMessage(e);
}
