CREATE TABLE `contact_history` (
	`id` text PRIMARY KEY NOT NULL,
	`contact_id` text NOT NULL,
	`field` text NOT NULL,
	`old_value` text,
	`new_value` text,
	`by_kind` text NOT NULL,
	`by_id` text,
	`by_name` text,
	`via_id` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `contact_history_contact_idx` ON `contact_history` (`contact_id`,`id`);--> statement-breakpoint
CREATE TABLE `duplicate_dismissals` (
	`contact_a` text NOT NULL,
	`contact_b` text NOT NULL,
	`by_name` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`contact_a`, `contact_b`)
);
--> statement-breakpoint
CREATE TABLE `duplicate_groups` (
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`kind`, `key`)
);
--> statement-breakpoint
CREATE INDEX `duplicate_groups_shared_idx` ON `duplicate_groups` (`kind`,`key`) WHERE n > 1;--> statement-breakpoint
CREATE TABLE `duplicate_keys` (
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`contact_id` text NOT NULL,
	PRIMARY KEY(`kind`, `key`, `contact_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `duplicate_keys_contact_idx` ON `duplicate_keys` (`contact_id`);--> statement-breakpoint
CREATE TABLE `merged_contacts` (
	`contact_id` text PRIMARY KEY NOT NULL,
	`survivor_id` text NOT NULL,
	`merge_id` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `merges` (
	`id` text PRIMARY KEY NOT NULL,
	`survivor_id` text NOT NULL,
	`merged_ids` text NOT NULL,
	`merged_names` text NOT NULL,
	`by_kind` text NOT NULL,
	`by_name` text,
	`created_at` text NOT NULL,
	`undo_until` text NOT NULL,
	`undone_at` text
);
--> statement-breakpoint
CREATE INDEX `merges_survivor_idx` ON `merges` (`survivor_id`);--> statement-breakpoint
CREATE INDEX `merges_created_idx` ON `merges` (`created_at`);--> statement-breakpoint
CREATE TABLE `snapshot_rows` (
	`owner` text NOT NULL,
	`seq` integer NOT NULL,
	`contact_id` text NOT NULL,
	`table_name` text NOT NULL,
	`data` text NOT NULL,
	PRIMARY KEY(`owner`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `trash` (
	`contact_id` text PRIMARY KEY NOT NULL,
	`display_name` text NOT NULL,
	`phones` text NOT NULL,
	`deleted_by_kind` text NOT NULL,
	`deleted_by_name` text,
	`deleted_at` text NOT NULL,
	`purge_after` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `trash_deleted_idx` ON `trash` (`deleted_at`);--> statement-breakpoint
CREATE INDEX `trash_purge_idx` ON `trash` (`purge_after`);--> statement-breakpoint
-- Duplicate suggestions: duplicate_keys holds each contact's keys, kept by the triggers below on
-- every write (a person's edit, a call's stub, an import, an enrichment, a merge, a restore);
-- duplicate_groups counts the contacts per key, so GET /api/duplicates reads only shared keys.
--   email         a normalized email address
--   external_id   the external id, trimmed and lower-cased
--   name_company  "first last|company", lower-cased, both present
--   phone         the national number without leading zeros (differs only by country code or trunk prefix)
--   name_phone    "first last|the last four digits" of each number, for a named contact
CREATE TRIGGER `duplicate_keys_count_insert` AFTER INSERT ON `duplicate_keys` BEGIN
	INSERT INTO duplicate_groups (kind, key, n) VALUES (new.kind, new.key, 1) ON CONFLICT (kind, key) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `duplicate_keys_count_delete` AFTER DELETE ON `duplicate_keys` BEGIN
	UPDATE duplicate_groups SET n = n - 1 WHERE kind = old.kind AND key = old.key;
	DELETE FROM duplicate_groups WHERE kind = old.kind AND key = old.key AND n <= 0;
END;
--> statement-breakpoint
CREATE TRIGGER `duplicate_contacts_insert` AFTER INSERT ON `contacts` BEGIN
	INSERT OR IGNORE INTO duplicate_keys (kind, key, contact_id)
		SELECT 'name_company', lower(trim(new.first_name || ' ' || new.last_name)) || '|' || lower(trim(new.company)), new.id
		WHERE trim(new.first_name || new.last_name) != '' AND trim(coalesce(new.company, '')) != '';
	INSERT OR IGNORE INTO duplicate_keys (kind, key, contact_id)
		SELECT 'external_id', lower(trim(new.external_id)), new.id WHERE trim(coalesce(new.external_id, '')) != '';
END;
--> statement-breakpoint
CREATE TRIGGER `duplicate_contacts_update` AFTER UPDATE OF first_name, last_name, company, external_id ON `contacts` BEGIN
	DELETE FROM duplicate_keys WHERE contact_id = new.id AND kind IN ('name_company', 'external_id', 'name_phone');
	INSERT OR IGNORE INTO duplicate_keys (kind, key, contact_id)
		SELECT 'name_company', lower(trim(new.first_name || ' ' || new.last_name)) || '|' || lower(trim(new.company)), new.id
		WHERE trim(new.first_name || new.last_name) != '' AND trim(coalesce(new.company, '')) != '';
	INSERT OR IGNORE INTO duplicate_keys (kind, key, contact_id)
		SELECT 'external_id', lower(trim(new.external_id)), new.id WHERE trim(coalesce(new.external_id, '')) != '';
	INSERT OR IGNORE INTO duplicate_keys (kind, key, contact_id)
		SELECT 'name_phone', lower(trim(new.first_name || ' ' || new.last_name)) || '|' || substr(p.national_digits, -4), new.id
		FROM contact_phones p WHERE p.contact_id = new.id AND trim(new.first_name || new.last_name) != '';
END;
--> statement-breakpoint
CREATE TRIGGER `duplicate_contacts_delete` AFTER DELETE ON `contacts` BEGIN
	DELETE FROM duplicate_keys WHERE contact_id = old.id;
END;
--> statement-breakpoint
CREATE TRIGGER `duplicate_phones_insert` AFTER INSERT ON `contact_phones` BEGIN
	INSERT OR IGNORE INTO duplicate_keys (kind, key, contact_id)
		SELECT 'phone', ltrim(new.national_digits, '0'), new.contact_id WHERE length(ltrim(new.national_digits, '0')) >= 7;
	INSERT OR IGNORE INTO duplicate_keys (kind, key, contact_id)
		SELECT 'name_phone', lower(trim(c.first_name || ' ' || c.last_name)) || '|' || substr(new.national_digits, -4), c.id
		FROM contacts c WHERE c.id = new.contact_id AND trim(c.first_name || c.last_name) != '';
END;
--> statement-breakpoint
CREATE TRIGGER `duplicate_phones_delete` AFTER DELETE ON `contact_phones` BEGIN
	DELETE FROM duplicate_keys WHERE contact_id = old.contact_id AND kind = 'phone' AND key = ltrim(old.national_digits, '0')
		AND NOT EXISTS (SELECT 1 FROM contact_phones p WHERE p.contact_id = old.contact_id AND ltrim(p.national_digits, '0') = ltrim(old.national_digits, '0'));
	DELETE FROM duplicate_keys WHERE contact_id = old.contact_id AND kind = 'name_phone' AND substr(key, -4) = substr(old.national_digits, -4)
		AND NOT EXISTS (SELECT 1 FROM contact_phones p WHERE p.contact_id = old.contact_id AND substr(p.national_digits, -4) = substr(old.national_digits, -4));
END;
--> statement-breakpoint
CREATE TRIGGER `duplicate_phones_update` AFTER UPDATE OF contact_id, national_digits ON `contact_phones` BEGIN
	DELETE FROM duplicate_keys WHERE contact_id = old.contact_id AND kind = 'phone' AND key = ltrim(old.national_digits, '0')
		AND NOT EXISTS (SELECT 1 FROM contact_phones p WHERE p.contact_id = old.contact_id AND ltrim(p.national_digits, '0') = ltrim(old.national_digits, '0'));
	DELETE FROM duplicate_keys WHERE contact_id = old.contact_id AND kind = 'name_phone' AND substr(key, -4) = substr(old.national_digits, -4)
		AND NOT EXISTS (SELECT 1 FROM contact_phones p WHERE p.contact_id = old.contact_id AND substr(p.national_digits, -4) = substr(old.national_digits, -4));
	INSERT OR IGNORE INTO duplicate_keys (kind, key, contact_id)
		SELECT 'phone', ltrim(new.national_digits, '0'), new.contact_id WHERE length(ltrim(new.national_digits, '0')) >= 7;
	INSERT OR IGNORE INTO duplicate_keys (kind, key, contact_id)
		SELECT 'name_phone', lower(trim(c.first_name || ' ' || c.last_name)) || '|' || substr(new.national_digits, -4), c.id
		FROM contacts c WHERE c.id = new.contact_id AND trim(c.first_name || c.last_name) != '';
END;
--> statement-breakpoint
CREATE TRIGGER `duplicate_emails_insert` AFTER INSERT ON `contact_emails` BEGIN
	INSERT OR IGNORE INTO duplicate_keys (kind, key, contact_id) VALUES ('email', new.email_normalized, new.contact_id);
END;
--> statement-breakpoint
CREATE TRIGGER `duplicate_emails_delete` AFTER DELETE ON `contact_emails` BEGIN
	DELETE FROM duplicate_keys WHERE contact_id = old.contact_id AND kind = 'email' AND key = old.email_normalized
		AND NOT EXISTS (SELECT 1 FROM contact_emails e WHERE e.contact_id = old.contact_id AND e.email_normalized = old.email_normalized);
END;
--> statement-breakpoint
CREATE TRIGGER `duplicate_emails_update` AFTER UPDATE OF contact_id, email_normalized ON `contact_emails` BEGIN
	DELETE FROM duplicate_keys WHERE contact_id = old.contact_id AND kind = 'email' AND key = old.email_normalized
		AND NOT EXISTS (SELECT 1 FROM contact_emails e WHERE e.contact_id = old.contact_id AND e.email_normalized = old.email_normalized);
	INSERT OR IGNORE INTO duplicate_keys (kind, key, contact_id) VALUES ('email', new.email_normalized, new.contact_id);
END;
--> statement-breakpoint
-- The keys of the contacts already there.
INSERT OR IGNORE INTO duplicate_keys (kind, key, contact_id)
	SELECT 'name_company', lower(trim(first_name || ' ' || last_name)) || '|' || lower(trim(company)), id FROM contacts
	WHERE trim(first_name || last_name) != '' AND trim(coalesce(company, '')) != '';
--> statement-breakpoint
INSERT OR IGNORE INTO duplicate_keys (kind, key, contact_id)
	SELECT 'external_id', lower(trim(external_id)), id FROM contacts WHERE trim(coalesce(external_id, '')) != '';
--> statement-breakpoint
INSERT OR IGNORE INTO duplicate_keys (kind, key, contact_id)
	SELECT 'phone', ltrim(national_digits, '0'), contact_id FROM contact_phones WHERE length(ltrim(national_digits, '0')) >= 7;
--> statement-breakpoint
INSERT OR IGNORE INTO duplicate_keys (kind, key, contact_id)
	SELECT 'name_phone', lower(trim(c.first_name || ' ' || c.last_name)) || '|' || substr(p.national_digits, -4), c.id
	FROM contact_phones p JOIN contacts c ON c.id = p.contact_id WHERE trim(c.first_name || c.last_name) != '';
--> statement-breakpoint
INSERT OR IGNORE INTO duplicate_keys (kind, key, contact_id) SELECT 'email', email_normalized, contact_id FROM contact_emails;
