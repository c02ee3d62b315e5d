-- Contact search: an FTS5 trigram index over names, company, emails and phone digits, kept in
-- sync by triggers, so any substring of 3+ characters is found through the index instead of a
-- LIKE scan. FTS rows are keyed through contact_search_keys (the contacts' UUID primary key has
-- no stable rowid), which also carries the sort keys, so an FTS match is filtered and ordered
-- without a join to contacts. The column is named `id` so the same filter SQL (c.id,
-- c.sort_name, ...) runs against contacts or this table.
CREATE TABLE `contact_search_keys` (
	`rowid` integer PRIMARY KEY,
	`id` text NOT NULL UNIQUE,
	`created_at` text,
	`sort_name` text,
	`last_contacted_at` text
);
--> statement-breakpoint
CREATE VIRTUAL TABLE `contact_search` USING fts5(body, tokenize = 'trigram');
--> statement-breakpoint
CREATE VIEW `contact_search_source` AS
SELECT k.rowid AS rowid, c.id AS contact_id,
	c.first_name || ' ' || c.last_name || ' ' || coalesce(c.company, '') || ' ' ||
	coalesce((SELECT group_concat(e.email, ' ') FROM contact_emails e WHERE e.contact_id = c.id), '') || ' ' ||
	coalesce((SELECT group_concat(p.digits || ' ' || p.national_digits, ' ') FROM contact_phones p WHERE p.contact_id = c.id), '') AS body
FROM contacts c JOIN contact_search_keys k ON k.id = c.id;
--> statement-breakpoint
INSERT INTO contact_stats (id, contact_count, assigned_count) VALUES (1, 0, 0);
--> statement-breakpoint
CREATE TRIGGER `contacts_search_insert` AFTER INSERT ON `contacts` BEGIN
	INSERT INTO contact_search_keys (id, created_at, sort_name, last_contacted_at)
		VALUES (new.id, new.created_at, new.sort_name, new.last_contacted_at);
	INSERT INTO contact_search (rowid, body) SELECT rowid, body FROM contact_search_source WHERE contact_id = new.id;
	UPDATE contact_stats SET contact_count = contact_count + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `contacts_search_update` AFTER UPDATE OF first_name, last_name, company ON `contacts` BEGIN
	DELETE FROM contact_search WHERE rowid = (SELECT rowid FROM contact_search_keys WHERE id = new.id);
	INSERT INTO contact_search (rowid, body) SELECT rowid, body FROM contact_search_source WHERE contact_id = new.id;
END;
--> statement-breakpoint
CREATE TRIGGER `contacts_search_keys_update` AFTER UPDATE OF first_name, last_name, created_at, last_contacted_at ON `contacts` BEGIN
	UPDATE contact_search_keys SET created_at = new.created_at, sort_name = new.sort_name, last_contacted_at = new.last_contacted_at
		WHERE id = new.id;
END;
--> statement-breakpoint
CREATE TRIGGER `contacts_search_delete` AFTER DELETE ON `contacts` BEGIN
	DELETE FROM contact_search WHERE rowid = (SELECT rowid FROM contact_search_keys WHERE id = old.id);
	DELETE FROM contact_search_keys WHERE id = old.id;
	UPDATE contact_stats SET contact_count = contact_count - 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `contact_phones_search_insert` AFTER INSERT ON `contact_phones` BEGIN
	DELETE FROM contact_search WHERE rowid = (SELECT rowid FROM contact_search_keys WHERE id = new.contact_id);
	INSERT INTO contact_search (rowid, body) SELECT rowid, body FROM contact_search_source WHERE contact_id = new.contact_id;
END;
--> statement-breakpoint
CREATE TRIGGER `contact_phones_search_update` AFTER UPDATE OF phone_number, contact_id ON `contact_phones` BEGIN
	DELETE FROM contact_search WHERE rowid IN (SELECT rowid FROM contact_search_keys WHERE id IN (old.contact_id, new.contact_id));
	INSERT INTO contact_search (rowid, body) SELECT rowid, body FROM contact_search_source WHERE contact_id IN (old.contact_id, new.contact_id);
END;
--> statement-breakpoint
CREATE TRIGGER `contact_phones_search_delete` AFTER DELETE ON `contact_phones` BEGIN
	DELETE FROM contact_search WHERE rowid = (SELECT rowid FROM contact_search_keys WHERE id = old.contact_id);
	INSERT INTO contact_search (rowid, body) SELECT rowid, body FROM contact_search_source WHERE contact_id = old.contact_id;
END;
--> statement-breakpoint
CREATE TRIGGER `contact_emails_search_insert` AFTER INSERT ON `contact_emails` BEGIN
	DELETE FROM contact_search WHERE rowid = (SELECT rowid FROM contact_search_keys WHERE id = new.contact_id);
	INSERT INTO contact_search (rowid, body) SELECT rowid, body FROM contact_search_source WHERE contact_id = new.contact_id;
END;
--> statement-breakpoint
CREATE TRIGGER `contact_emails_search_update` AFTER UPDATE OF email, contact_id ON `contact_emails` BEGIN
	DELETE FROM contact_search WHERE rowid IN (SELECT rowid FROM contact_search_keys WHERE id IN (old.contact_id, new.contact_id));
	INSERT INTO contact_search (rowid, body) SELECT rowid, body FROM contact_search_source WHERE contact_id IN (old.contact_id, new.contact_id);
END;
--> statement-breakpoint
CREATE TRIGGER `contact_emails_search_delete` AFTER DELETE ON `contact_emails` BEGIN
	DELETE FROM contact_search WHERE rowid = (SELECT rowid FROM contact_search_keys WHERE id = old.contact_id);
	INSERT INTO contact_search (rowid, body) SELECT rowid, body FROM contact_search_source WHERE contact_id = old.contact_id;
END;
--> statement-breakpoint
-- The assignments view's "assigned of total" and its unassigned total are O(1).
CREATE TRIGGER `contact_user_assigned_insert` AFTER INSERT ON `contact_user`
WHEN (SELECT count(*) FROM contact_user WHERE contact_id = new.contact_id) = 1 BEGIN
	UPDATE contact_stats SET assigned_count = assigned_count + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `contact_user_assigned_delete` AFTER DELETE ON `contact_user`
WHEN NOT EXISTS (SELECT 1 FROM contact_user WHERE contact_id = old.contact_id) BEGIN
	UPDATE contact_stats SET assigned_count = assigned_count - 1 WHERE id = 1;
END;
