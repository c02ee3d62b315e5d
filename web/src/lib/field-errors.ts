import { ApiError, errorMessage } from "./api";
import { capitalize } from "./text";

/**
 * Splits a failed save into messages per form field and one for the form: the API names fields
 * by their path in the body ("phones.0.phone_number"), `fieldOf` maps a path to a form field.
 */
export function splitErrors<F extends string>(
  e: unknown,
  fieldOf: (path: string) => F | null,
): { fields: Partial<Record<F, string>>; form: string } {
  const fields: Partial<Record<F, string>> = {};
  const rest: string[] = [];
  if (e instanceof ApiError && e.fieldErrors.length) {
    for (const { field, message } of e.fieldErrors) {
      const name = fieldOf(field);
      if (name && !fields[name]) fields[name] = capitalize(message);
      else if (!name) rest.push(field === "(body)" ? capitalize(message) : `${field}: ${message}`);
    }
    return { fields, form: rest.join(" ") };
  }
  return { fields, form: errorMessage(e) };
}
