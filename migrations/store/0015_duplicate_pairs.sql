CREATE TABLE `duplicate_pair_scores` (
	`contact_a` text NOT NULL,
	`contact_b` text NOT NULL,
	`score` integer NOT NULL,
	PRIMARY KEY(`contact_a`, `contact_b`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `duplicate_pair_scores_idx` ON `duplicate_pair_scores` (`score`,`contact_a`,`contact_b`);--> statement-breakpoint
CREATE TABLE `duplicate_pairs` (
	`contact_a` text NOT NULL,
	`contact_b` text NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	PRIMARY KEY(`contact_a`, `contact_b`, `kind`, `key`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `duplicate_pairs_key_idx` ON `duplicate_pairs` (`kind`,`key`);--> statement-breakpoint
CREATE INDEX `duplicate_pairs_b_idx` ON `duplicate_pairs` (`contact_b`);--> statement-breakpoint
-- Suggestions as pairs, kept as the keys change (replacing 0014's per-key counts, from which every
-- request built all pairs: ~100 ms on 100,000 contacts). A key pairs its contact with each other
-- contact that has it, while at most 10 contacts share it; at 11 it is a shared mailbox or a
-- common name and its pairs go (back at 10, they come back). A pair's score is the weights of its
-- reasons (kinds), counted once a kind: external id 5, email 4, number 3, name and company 3,
-- name and last four digits 2.
DROP TRIGGER IF EXISTS `duplicate_keys_count_insert`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `duplicate_keys_count_delete`;
--> statement-breakpoint
DROP TABLE `duplicate_groups`;
--> statement-breakpoint
CREATE TRIGGER `duplicate_keys_pair_insert` AFTER INSERT ON `duplicate_keys`
WHEN (SELECT count(*) FROM (SELECT 1 FROM duplicate_keys WHERE kind = new.kind AND key = new.key LIMIT 11)) <= 10 BEGIN
	INSERT OR IGNORE INTO duplicate_pairs (contact_a, contact_b, kind, key)
		SELECT min(new.contact_id, k.contact_id), max(new.contact_id, k.contact_id), new.kind, new.key
		FROM duplicate_keys k WHERE k.kind = new.kind AND k.key = new.key AND k.contact_id != new.contact_id;
END;
--> statement-breakpoint
CREATE TRIGGER `duplicate_keys_pair_crowd` AFTER INSERT ON `duplicate_keys`
WHEN (SELECT count(*) FROM (SELECT 1 FROM duplicate_keys WHERE kind = new.kind AND key = new.key LIMIT 11)) > 10 BEGIN
	DELETE FROM duplicate_pairs WHERE kind = new.kind AND key = new.key;
END;
--> statement-breakpoint
CREATE TRIGGER `duplicate_keys_pair_delete` AFTER DELETE ON `duplicate_keys` BEGIN
	DELETE FROM duplicate_pairs WHERE kind = old.kind AND key = old.key AND (contact_a = old.contact_id OR contact_b = old.contact_id);
END;
--> statement-breakpoint
CREATE TRIGGER `duplicate_keys_pair_uncrowd` AFTER DELETE ON `duplicate_keys`
WHEN (SELECT count(*) FROM (SELECT 1 FROM duplicate_keys WHERE kind = old.kind AND key = old.key LIMIT 11)) = 10 BEGIN
	INSERT OR IGNORE INTO duplicate_pairs (contact_a, contact_b, kind, key)
		SELECT x.contact_id, y.contact_id, x.kind, x.key FROM duplicate_keys x
		JOIN duplicate_keys y ON y.kind = x.kind AND y.key = x.key AND y.contact_id > x.contact_id
		WHERE x.kind = old.kind AND x.key = old.key;
END;
--> statement-breakpoint
CREATE TRIGGER `duplicate_pairs_score_insert` AFTER INSERT ON `duplicate_pairs`
WHEN NOT EXISTS (SELECT 1 FROM duplicate_pairs p WHERE p.contact_a = new.contact_a AND p.contact_b = new.contact_b AND p.kind = new.kind AND p.key != new.key) BEGIN
	INSERT INTO duplicate_pair_scores (contact_a, contact_b, score) VALUES (new.contact_a, new.contact_b, CASE new.kind WHEN 'external_id' THEN 5 WHEN 'email' THEN 4 WHEN 'phone' THEN 3 WHEN 'name_company' THEN 3 ELSE 2 END)
		ON CONFLICT (contact_a, contact_b) DO UPDATE SET score = score + excluded.score;
END;
--> statement-breakpoint
CREATE TRIGGER `duplicate_pairs_score_delete` AFTER DELETE ON `duplicate_pairs`
WHEN NOT EXISTS (SELECT 1 FROM duplicate_pairs p WHERE p.contact_a = old.contact_a AND p.contact_b = old.contact_b AND p.kind = old.kind) BEGIN
	UPDATE duplicate_pair_scores SET score = score - CASE old.kind WHEN 'external_id' THEN 5 WHEN 'email' THEN 4 WHEN 'phone' THEN 3 WHEN 'name_company' THEN 3 ELSE 2 END WHERE contact_a = old.contact_a AND contact_b = old.contact_b;
	DELETE FROM duplicate_pair_scores WHERE contact_a = old.contact_a AND contact_b = old.contact_b AND score <= 0;
END;
--> statement-breakpoint
-- A contact written after its numbers (an import's chunk writes numbers first) gets its
-- "name and last four digits" keys here; written before them, the numbers' trigger adds them.
DROP TRIGGER `duplicate_contacts_insert`;
--> statement-breakpoint
CREATE TRIGGER `duplicate_contacts_insert` AFTER INSERT ON `contacts` BEGIN
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
INSERT OR IGNORE INTO duplicate_keys (kind, key, contact_id)
	SELECT 'name_phone', lower(trim(c.first_name || ' ' || c.last_name)) || '|' || substr(p.national_digits, -4), c.id
	FROM contact_phones p JOIN contacts c ON c.id = p.contact_id WHERE trim(c.first_name || c.last_name) != '';
--> statement-breakpoint
-- The pairs of the keys already there (keys shared by 2 to 10 contacts).
INSERT OR IGNORE INTO duplicate_pairs (contact_a, contact_b, kind, key)
	SELECT x.contact_id, y.contact_id, x.kind, x.key
	FROM (SELECT kind, key FROM duplicate_keys GROUP BY kind, key HAVING count(*) BETWEEN 2 AND 10) g
	JOIN duplicate_keys x ON x.kind = g.kind AND x.key = g.key
	JOIN duplicate_keys y ON y.kind = g.kind AND y.key = g.key AND y.contact_id > x.contact_id;
