/** True when D1's error (or one it wraps: drizzle wraps the D1 error) matches `pattern`. */
function d1ErrorMatches(err: unknown, pattern: RegExp): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (pattern.test(e.message)) return true;
  }
  return false;
}

/** True when D1 refused a write because of a UNIQUE index. */
export const isUniqueViolation = (err: unknown) => d1ErrorMatches(err, /UNIQUE constraint failed|SQLITE_CONSTRAINT/i);

/** True when D1 refused a write because a referenced row (e.g. the contact) no longer exists. */
export const isForeignKeyViolation = (err: unknown) => d1ErrorMatches(err, /FOREIGN KEY constraint failed/i);
