-- Each organization's data now lives in its own store (a SQLite Durable Object, worker/store):
-- D1 keeps what spans organizations. The search index, its triggers and the product tables go,
-- children before parents so no foreign-key action runs.
DROP TRIGGER IF EXISTS `contact_user_assigned_insert`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `contact_user_assigned_delete`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `contacts_search_insert`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `contacts_search_update`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `contacts_search_keys_update`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `contacts_search_delete`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `contact_phones_search_insert`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `contact_phones_search_update`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `contact_phones_search_delete`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `contact_emails_search_insert`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `contact_emails_search_update`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `contact_emails_search_delete`;--> statement-breakpoint
DROP VIEW IF EXISTS `contact_search_source`;--> statement-breakpoint
DROP TABLE IF EXISTS `contact_search`;--> statement-breakpoint
DROP TABLE IF EXISTS `contact_search_keys`;--> statement-breakpoint
DROP TABLE `call_analyses`;--> statement-breakpoint
DROP TABLE `todos`;--> statement-breakpoint
DROP TABLE `notes`;--> statement-breakpoint
DROP TABLE `messages`;--> statement-breakpoint
DROP TABLE `contact_memory`;--> statement-breakpoint
DROP TABLE `contact_tags`;--> statement-breakpoint
DROP TABLE `contact_user`;--> statement-breakpoint
DROP TABLE `contact_phones`;--> statement-breakpoint
DROP TABLE `contact_emails`;--> statement-breakpoint
DROP TABLE `contact_addresses`;--> statement-breakpoint
DROP TABLE `calls`;--> statement-breakpoint
DROP TABLE `phone_lines`;--> statement-breakpoint
DROP TABLE `tags`;--> statement-breakpoint
DROP TABLE `contacts`;--> statement-breakpoint
DROP TABLE `organization_settings`;--> statement-breakpoint
DROP TABLE `organization_stats`;
