/** "Brightline Dental, Inc." -> "brightline-dental-inc" */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .replace(/-+$/, "");
  return slug || "organization";
}

/** The slug with a short random suffix, for when the plain one is taken. */
export const withSuffix = (slug: string) => `${slug}-${Math.random().toString(36).slice(2, 6)}`;
