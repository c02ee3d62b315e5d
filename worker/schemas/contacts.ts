import { z } from "@hono/zod-openapi";
import { CONTROL, oneLine } from "../lib/text";

export const CONTACT_STATUSES = ["active", "inactive", "do_not_contact", "archived"] as const;
export const PIPELINE_STAGES = ["lead", "prospect", "qualified", "customer", "churned"] as const;

// Printable text only: control characters in names break exports, terminals and prompts.
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .refine((v) => !CONTROL.test(v), "must not contain control characters");
const optionalText = (max: number) =>
  text(max)
    .nullish()
    .transform((v) => (v ? v : null));

export const isTimezone = (tz: string) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return tz.includes("/") || tz === "UTC";
  } catch {
    return false;
  }
};

export const canonicalLanguage = (tag: string): string | null => {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
};

const isPastDate = (v: string) => {
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v && d.getTime() <= Date.now();
};

export const ContactStatusSchema = z.enum(CONTACT_STATUSES).openapi("ContactStatus");

const contactFields = {
  first_name: text(100),
  last_name: text(100),
  company: optionalText(200),
  job_title: optionalText(200),
  source: optionalText(50),
  status: ContactStatusSchema,
  timezone: optionalText(64).refine((v) => v === null || isTimezone(v), "must be an IANA time zone such as America/New_York"),
  preferred_language: optionalText(35)
    .refine((v) => v === null || canonicalLanguage(v) !== null, "must be a BCP 47 language tag such as en or pt-BR")
    .transform((v) => (v === null ? null : canonicalLanguage(v))),
  date_of_birth: optionalText(10).refine(
    (v) => v === null || (/^\d{4}-\d{2}-\d{2}$/.test(v) && isPastDate(v)),
    "must be a past date as YYYY-MM-DD",
  ),
  gender: optionalText(50),
  pipeline_stage: z.enum(PIPELINE_STAGES).nullish().transform((v) => v ?? null),
  external_id: optionalText(200),
  avatar_url: optionalText(2048).refine(
    (v) => v === null || /^https?:\/\/\S+$/.test(v),
    "must be an http(s) URL",
  ),
};

export const PhoneInput = z.object({
  phone_number: oneLine().max(40).openapi({ example: "(555) 123-4567" }),
  label: optionalText(50),
  is_preferred: z.boolean().optional(),
});
export const PhoneUpdate = PhoneInput.partial();

export const EmailInput = z.object({
  email: z.string().trim().max(254).email("must be a valid email address"),
  label: optionalText(50),
  is_preferred: z.boolean().optional(),
});
export const EmailUpdate = EmailInput.partial();

const addressFields = {
  label: optionalText(50),
  street: optionalText(200),
  city: optionalText(100),
  state: optionalText(100),
  zip: optionalText(20),
  country: optionalText(100),
};
export const AddressInput = z
  .object({ ...addressFields, is_primary: z.boolean().default(false) })
  .refine((a) => a.street || a.city || a.state || a.zip || a.country, {
    message: "an address needs at least one of street, city, state, zip or country",
  })
  .openapi("ContactAddressData");
export const AddressUpdate = z
  .object({ ...addressFields, is_primary: z.boolean() })
  .partial()
  .openapi("ContactAddressUpdate");

export const ContactCreate = z
  .object({
    ...contactFields,
    first_name: contactFields.first_name.default(""),
    last_name: contactFields.last_name.default(""),
    status: ContactStatusSchema.default("active"),
    company: contactFields.company.optional(),
    source: contactFields.source.default("manual"),
    phones: z.array(PhoneInput).max(20).default([]),
    emails: z.array(EmailInput).max(20).default([]),
    tag_ids: z.array(z.string().uuid()).max(50).default([]),
  })
  .refine((c) => c.first_name || c.last_name || c.company || c.phones.length || c.emails.length, {
    message: "a contact needs a name, a company, a phone or an email",
  })
  .openapi("ContactData");

// PUT changes only the fields it is given: a client that does not know a field cannot erase it.
export const ContactUpdate = z.object(contactFields).partial().openapi("ContactUpdate");

/** A contact's own fields and an address, as an imported row's cells are checked (the API's rules). */
export const ContactFields = z.object(contactFields).partial();
export const AddressFields = z.object(addressFields).partial();

export const PhoneSchema = z
  .object({
    id: z.string(),
    phone_number: z.string().openapi({ description: "E.164", example: "+15551234567" }),
    formatted: z.string().openapi({ example: "(555) 123-4567" }),
    label: z.string().nullable(),
    is_preferred: z.boolean(),
  })
  .openapi("ContactPhone");

export const EmailSchema = z
  .object({ id: z.string(), email: z.string(), label: z.string().nullable(), is_preferred: z.boolean() })
  .openapi("ContactEmail");

export const AddressSchema = z
  .object({
    id: z.string(),
    label: z.string().nullable(),
    street: z.string().nullable(),
    city: z.string().nullable(),
    state: z.string().nullable(),
    zip: z.string().nullable(),
    country: z.string().nullable(),
    is_primary: z.boolean(),
  })
  .openapi("ContactAddress");

export const TagSchema = z
  .object({ id: z.string(), name: z.string(), color: z.string() })
  .openapi("ContactTag");

export const AssignedUserSchema = z
  .object({ member_id: z.string(), user_id: z.string(), name: z.string() })
  .openapi("AssignedUser");

export const ContactSchema = z
  .object({
    id: z.string(),
    first_name: z.string(),
    last_name: z.string(),
    company: z.string().nullable(),
    job_title: z.string().nullable(),
    source: z.string().nullable(),
    status: ContactStatusSchema,
    pipeline_stage: z.string().nullable(),
    external_id: z.string().nullable(),
    timezone: z.string().nullable(),
    preferred_language: z.string().nullable(),
    date_of_birth: z.string().nullable(),
    gender: z.string().nullable(),
    avatar_url: z.string().nullable(),
    ai_summary: z.string().nullable(),
    phones: z.array(PhoneSchema),
    emails: z.array(EmailSchema),
    addresses: z.array(AddressSchema),
    tags: z.array(TagSchema),
    assigned_users: z.array(AssignedUserSchema),
    created_at: z.string(),
    updated_at: z.string(),
    last_contacted_at: z.string().nullable(),
  })
  .openapi("Contact");

export type Contact = z.infer<typeof ContactSchema>;

const csv = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) =>
    (Array.isArray(v) ? v : v ? [v] : []).flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean),
  )
  .pipe(z.array(z.string().uuid("tag_ids must be tag ids")).max(50));

export const SORTS = ["recently_added", "name_asc", "last_contacted_at"] as const;
export type Sort = (typeof SORTS)[number];

export const MAX_PAGE_SIZE = 50;

export const listQueryFields = {
  search: oneLine().max(100).optional().openapi({ description: "Names, company, emails, phone numbers in any format" }),
  tag_ids: csv.openapi({ description: "Tag ids, repeated or comma-separated; OR", type: "array", items: { type: "string" } }),
  page: z.coerce.number().int().min(0).max(100_000).default(0).openapi({ description: "0-based" }),
  page_size: z.coerce
    .number()
    .int()
    .min(1)
    .default(25)
    .transform((n) => Math.min(n, MAX_PAGE_SIZE))
    .openapi({ description: `Default 25; values above ${MAX_PAGE_SIZE} are clamped to ${MAX_PAGE_SIZE}` }),
};

export const TAG_MATCHES = ["any", "all"] as const;
/** A pipeline stage to filter on; "none": no stage set. */
export const STAGE_FILTERS = [...PIPELINE_STAGES, "none"] as const;

const DATE_BOUND = /^(?:(\d{4}-\d{2}-\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?|-\d{1,4}d)$/;
const dateBound = (description: string) =>
  z
    .string()
    .trim()
    .regex(DATE_BOUND, "must be a date (2026-03-31), a date and time (2026-03-31T09:00:00Z) or days ago (-30d)")
    .refine((v) => {
      if (v.startsWith("-")) return true;
      const day = v.slice(0, 10);
      const d = new Date(`${day}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day && !Number.isNaN(Date.parse(v));
    }, "is not a real date")
    .optional()
    .openapi({ description });

const NO_NAME = "true: only contacts without a name (stubs of callers); false: only named ones";
const DO_NOT_CONTACT = "true: only contacts marked Do not contact or opted out of calls, texts or email; false: only the others";
const NEVER_CONTACTED = "true: only contacts never called or texted; false: only those contacted at least once";
const sourceValue = text(50).pipe(z.string().min(1, "must not be empty"));

/**
 * The list's filters, as JSON (a bulk change's `matching`, a saved view's query) and, through
 * ListFilterQuery, as query parameters. Every filter narrows the list (AND); a list inside one
 * filter is "any of". Dates: a date is a whole day in the organization's time zone (its quiet-hours
 * time zone, else UTC), "from" inclusive and "to" inclusive; "-30d" is 30 days before now, so a
 * saved view keeps meaning "the last 30 days".
 */
export const listFilterFields = {
  tag_match: z.enum(TAG_MATCHES).default("any").openapi({ description: "tag_ids: any (default) or all of them" }),
  status: z.array(ContactStatusSchema).max(CONTACT_STATUSES.length).default([]).openapi({ description: "Any of these statuses" }),
  pipeline_stage: z.array(z.enum(STAGE_FILTERS)).max(STAGE_FILTERS.length).default([]).openapi({ description: "Any of these stages; none: no stage" }),
  source: z.array(sourceValue).max(20).default([]).openapi({ description: "Any of these sources (manual, import, call, …)" }),
  assigned_to: oneLine().trim().min(1).max(64).optional().openapi({ description: "A member id, unassigned, or me (the signed-in member)" }),
  created_from: dateBound("Created on or after"),
  created_to: dateBound("Created on or before"),
  last_contacted_from: dateBound("Last contacted on or after"),
  last_contacted_to: dateBound("Last contacted on or before (never-contacted contacts are left out: see never_contacted)"),
  never_contacted: z.boolean().optional().openapi({ description: NEVER_CONTACTED }),
  no_name: z.boolean().optional().openapi({ description: NO_NAME }),
  do_not_contact: z.boolean().optional().openapi({ description: DO_NOT_CONTACT }),
};

/** Search, tags, filters and sort: what a list shows, without its page (bulk matching, saved views). */
export const ListSelectionSchema = z.object({
  search: listQueryFields.search,
  tag_ids: z.array(z.string().uuid("must be tag ids")).max(50).default([]),
  ...listFilterFields,
  sort: z.enum(SORTS).default("recently_added"),
});
export type ListSelection = z.output<typeof ListSelectionSchema>;

const csvOf = <T extends z.ZodType<unknown, string>>(item: T, max: number, description: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (Array.isArray(v) ? v : v ? [v] : []).flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(item).max(max))
    .openapi({ description: `${description}; repeated or comma-separated`, type: "array", items: { type: "string" } });
const flag = (description: string) =>
  z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true"))
    .openapi({ description, type: "boolean" });

/** listFilterFields as query parameters. */
export const listFilterQueryFields = {
  ...listFilterFields,
  status: csvOf(ContactStatusSchema, CONTACT_STATUSES.length, "Any of these statuses"),
  pipeline_stage: csvOf(z.enum(STAGE_FILTERS), STAGE_FILTERS.length, "Any of these stages; none: no stage"),
  source: csvOf(sourceValue, 20, "Any of these sources"),
  no_name: flag(NO_NAME),
  do_not_contact: flag(DO_NOT_CONTACT),
  never_contacted: flag(NEVER_CONTACTED),
};

export const ContactListQuery = z.object({
  ...listQueryFields,
  ...listFilterQueryFields,
  sort: z.enum(SORTS).default("recently_added"),
  exact_count: flag(
    "true: count every match exactly even when that reads more rows than a list request otherwise does (total_exact is then always true); for a confirmation before acting on all matching contacts",
  ),
});

export const paginated = <T extends z.ZodType>(item: T) =>
  z.object({
    contacts: z.array(item),
    total_count: z.number().int(),
    page: z.number().int(),
    page_size: z.number().int(),
    total_pages: z.number().int(),
    total_exact: z.boolean().openapi({
      description: "false: total_count is an estimate (2 significant digits), given when counting every match would read too many rows; ask with exact_count=true",
    }),
  });

export type ListQuery = z.output<typeof ContactListQuery>;
export type ContactCreateInput = z.output<typeof ContactCreate>;
export type ContactUpdateInput = z.output<typeof ContactUpdate>;
export type PhoneInputT = z.output<typeof PhoneInput>;
export type PhoneUpdateT = z.output<typeof PhoneUpdate>;
export type EmailInputT = z.output<typeof EmailInput>;
export type EmailUpdateT = z.output<typeof EmailUpdate>;
export type AddressInputT = z.output<typeof AddressInput>;
export type AddressUpdateT = z.output<typeof AddressUpdate>;
