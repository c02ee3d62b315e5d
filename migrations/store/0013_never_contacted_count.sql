-- How many contacts were never contacted, kept like the other counters of contact_counts (0012),
-- so the never_contacted filter knows its total without counting.
INSERT INTO contact_counts (facet, value, n) SELECT 'never_contacted', '', count(*) FROM contacts WHERE last_contacted_at IS NULL HAVING count(*) > 0;
--> statement-breakpoint
CREATE TRIGGER `contacts_never_contacted_insert` AFTER INSERT ON `contacts` WHEN new.last_contacted_at IS NULL BEGIN
	INSERT INTO contact_counts (facet, value, n) VALUES ('never_contacted', '', 1) ON CONFLICT (facet, value) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `contacts_never_contacted_update` AFTER UPDATE OF last_contacted_at ON `contacts`
WHEN (old.last_contacted_at IS NULL) IS NOT (new.last_contacted_at IS NULL) BEGIN
	INSERT INTO contact_counts (facet, value, n) VALUES ('never_contacted', '', CASE WHEN new.last_contacted_at IS NULL THEN 1 ELSE -1 END)
		ON CONFLICT (facet, value) DO UPDATE SET n = n + excluded.n;
END;
--> statement-breakpoint
CREATE TRIGGER `contacts_never_contacted_delete` AFTER DELETE ON `contacts` WHEN old.last_contacted_at IS NULL BEGIN
	UPDATE contact_counts SET n = n - 1 WHERE facet = 'never_contacted' AND value = '';
END;
