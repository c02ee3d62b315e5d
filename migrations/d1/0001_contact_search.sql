-- Contact search: an FTS5 trigram index over names, company, emails and phone digits,
-- kept in sync by triggers, so any substring of 3+ characters is found through the index
-- instead of a LIKE scan. FTS rows are keyed through contact_search_keys because the
-- implicit rowid of contacts (UUID primary key) is not stable across VACUUM.
CREATE TABLE `contact_search_keys` (
	`rowid` integer PRIMARY KEY,
	`contact_id` text NOT NULL UNIQUE
);
--> statement-breakpoint
CREATE VIRTUAL TABLE `contact_search` USING fts5(body, tokenize = 'trigram');
--> statement-breakpoint
CREATE VIEW `contact_search_source` AS
SELECT k.rowid AS rowid, c.id AS contact_id,
	c.first_name || ' ' || c.last_name || ' ' || coalesce(c.company, '') || ' ' ||
	coalesce((SELECT group_concat(e.email, ' ') FROM contact_emails e WHERE e.contact_id = c.id), '') || ' ' ||
	coalesce((SELECT group_concat(p.digits || ' ' || p.national_digits, ' ') FROM contact_phones p WHERE p.contact_id = c.id), '') AS body
FROM contacts c JOIN contact_search_keys k ON k.contact_id = c.id;
--> statement-breakpoint
CREATE TRIGGER `contacts_search_insert` AFTER INSERT ON `contacts` BEGIN
	INSERT INTO contact_search_keys (contact_id) VALUES (new.id);
	INSERT INTO contact_search (rowid, body) SELECT rowid, body FROM contact_search_source WHERE contact_id = new.id;
	INSERT INTO organization_stats (organization_id, contact_count) VALUES (new.organization_id, 1)
		ON CONFLICT (organization_id) DO UPDATE SET contact_count = contact_count + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `contacts_search_update` AFTER UPDATE OF first_name, last_name, company ON `contacts` BEGIN
	DELETE FROM contact_search WHERE rowid = (SELECT rowid FROM contact_search_keys WHERE contact_id = new.id);
	INSERT INTO contact_search (rowid, body) SELECT rowid, body FROM contact_search_source WHERE contact_id = new.id;
END;
--> statement-breakpoint
CREATE TRIGGER `contacts_search_delete` AFTER DELETE ON `contacts` BEGIN
	DELETE FROM contact_search WHERE rowid = (SELECT rowid FROM contact_search_keys WHERE contact_id = old.id);
	DELETE FROM contact_search_keys WHERE contact_id = old.id;
	UPDATE organization_stats SET contact_count = contact_count - 1 WHERE organization_id = old.organization_id;
END;
--> statement-breakpoint
CREATE TRIGGER `contact_phones_search_insert` AFTER INSERT ON `contact_phones` BEGIN
	DELETE FROM contact_search WHERE rowid = (SELECT rowid FROM contact_search_keys WHERE contact_id = new.contact_id);
	INSERT INTO contact_search (rowid, body) SELECT rowid, body FROM contact_search_source WHERE contact_id = new.contact_id;
END;
--> statement-breakpoint
CREATE TRIGGER `contact_phones_search_update` AFTER UPDATE OF phone_number, contact_id ON `contact_phones` BEGIN
	DELETE FROM contact_search WHERE rowid IN (SELECT rowid FROM contact_search_keys WHERE contact_id IN (old.contact_id, new.contact_id));
	INSERT INTO contact_search (rowid, body) SELECT rowid, body FROM contact_search_source WHERE contact_id IN (old.contact_id, new.contact_id);
END;
--> statement-breakpoint
CREATE TRIGGER `contact_phones_search_delete` AFTER DELETE ON `contact_phones` BEGIN
	DELETE FROM contact_search WHERE rowid = (SELECT rowid FROM contact_search_keys WHERE contact_id = old.contact_id);
	INSERT INTO contact_search (rowid, body) SELECT rowid, body FROM contact_search_source WHERE contact_id = old.contact_id;
END;
--> statement-breakpoint
CREATE TRIGGER `contact_emails_search_insert` AFTER INSERT ON `contact_emails` BEGIN
	DELETE FROM contact_search WHERE rowid = (SELECT rowid FROM contact_search_keys WHERE contact_id = new.contact_id);
	INSERT INTO contact_search (rowid, body) SELECT rowid, body FROM contact_search_source WHERE contact_id = new.contact_id;
END;
--> statement-breakpoint
CREATE TRIGGER `contact_emails_search_update` AFTER UPDATE OF email, contact_id ON `contact_emails` BEGIN
	DELETE FROM contact_search WHERE rowid IN (SELECT rowid FROM contact_search_keys WHERE contact_id IN (old.contact_id, new.contact_id));
	INSERT INTO contact_search (rowid, body) SELECT rowid, body FROM contact_search_source WHERE contact_id IN (old.contact_id, new.contact_id);
END;
--> statement-breakpoint
CREATE TRIGGER `contact_emails_search_delete` AFTER DELETE ON `contact_emails` BEGIN
	DELETE FROM contact_search WHERE rowid = (SELECT rowid FROM contact_search_keys WHERE contact_id = old.contact_id);
	INSERT INTO contact_search (rowid, body) SELECT rowid, body FROM contact_search_source WHERE contact_id = old.contact_id;
END;
