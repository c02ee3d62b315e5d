/** "pending" -> "Pending": the first letter upper-cased, the rest as it is. */
export const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
