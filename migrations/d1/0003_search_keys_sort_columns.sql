-- Searches read the organization and sort keys from contact_search_keys, so an FTS match never
-- has to join contacts through its text primary key (measured: 27k -> 19k rows read and about
-- 3x faster for a common first name on 100k contacts). The column is renamed to `id` so the same
-- filter SQL (c.id, c.sort_name, ...) runs against either table; SQLite rewrites the existing
-- triggers and view that reference it.
ALTER TABLE `contact_search_keys` RENAME COLUMN `contact_id` TO `id`;
--> statement-breakpoint
ALTER TABLE `contact_search_keys` ADD `organization_id` text;
--> statement-breakpoint
ALTER TABLE `contact_search_keys` ADD `created_at` text;
--> statement-breakpoint
ALTER TABLE `contact_search_keys` ADD `sort_name` text;
--> statement-breakpoint
ALTER TABLE `contact_search_keys` ADD `last_contacted_at` text;
--> statement-breakpoint
UPDATE contact_search_keys SET (organization_id, created_at, sort_name, last_contacted_at) =
	(SELECT c.organization_id, c.created_at, c.sort_name, c.last_contacted_at FROM contacts c WHERE c.id = contact_search_keys.id);
--> statement-breakpoint
DROP TRIGGER `contacts_search_insert`;
--> statement-breakpoint
CREATE TRIGGER `contacts_search_insert` AFTER INSERT ON `contacts` BEGIN
	INSERT INTO contact_search_keys (id, organization_id, created_at, sort_name, last_contacted_at)
		VALUES (new.id, new.organization_id, new.created_at, new.sort_name, new.last_contacted_at);
	INSERT INTO contact_search (rowid, body) SELECT rowid, body FROM contact_search_source WHERE contact_id = new.id;
	INSERT INTO organization_stats (organization_id, contact_count) VALUES (new.organization_id, 1)
		ON CONFLICT (organization_id) DO UPDATE SET contact_count = contact_count + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `contacts_search_keys_update` AFTER UPDATE OF first_name, last_name, created_at, last_contacted_at ON `contacts` BEGIN
	UPDATE contact_search_keys SET created_at = new.created_at, sort_name = new.sort_name, last_contacted_at = new.last_contacted_at
		WHERE id = new.id;
END;
