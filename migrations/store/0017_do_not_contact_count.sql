-- How many contacts are not to be contacted (status do_not_contact, or opted out on some channel),
-- kept like the other counters of contact_counts (0012), so the do_not_contact filter knows its
-- total without counting the union of both (~4 ms of SQLite on 100,000 contacts).
INSERT INTO contact_counts (facet, value, n)
	SELECT 'do_not_contact', '', count(*) FROM contacts c
	WHERE c.status = 'do_not_contact' OR EXISTS (SELECT 1 FROM contact_opt_outs o WHERE o.contact_id = c.id) HAVING count(*) > 0;
--> statement-breakpoint
CREATE TRIGGER `contacts_dnc_insert` AFTER INSERT ON `contacts`
WHEN new.status = 'do_not_contact' OR EXISTS (SELECT 1 FROM contact_opt_outs o WHERE o.contact_id = new.id) BEGIN
	INSERT INTO contact_counts (facet, value, n) VALUES ('do_not_contact', '', 1) ON CONFLICT (facet, value) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `contacts_dnc_update` AFTER UPDATE OF status ON `contacts`
WHEN (old.status = 'do_not_contact') IS NOT (new.status = 'do_not_contact')
	AND NOT EXISTS (SELECT 1 FROM contact_opt_outs o WHERE o.contact_id = new.id) BEGIN
	INSERT INTO contact_counts (facet, value, n) VALUES ('do_not_contact', '', CASE WHEN new.status = 'do_not_contact' THEN 1 ELSE -1 END)
		ON CONFLICT (facet, value) DO UPDATE SET n = n + excluded.n;
END;
--> statement-breakpoint
-- Before the row goes, while its opt-outs are still there: the cascade removes them after it,
-- when the contact no longer exists and so no longer counts.
CREATE TRIGGER `contacts_dnc_delete` BEFORE DELETE ON `contacts`
WHEN old.status = 'do_not_contact' OR EXISTS (SELECT 1 FROM contact_opt_outs o WHERE o.contact_id = old.id) BEGIN
	UPDATE contact_counts SET n = n - 1 WHERE facet = 'do_not_contact' AND value = '';
END;
--> statement-breakpoint
CREATE TRIGGER `contact_opt_outs_dnc_insert` AFTER INSERT ON `contact_opt_outs`
WHEN (SELECT count(*) FROM contact_opt_outs o WHERE o.contact_id = new.contact_id) = 1
	AND EXISTS (SELECT 1 FROM contacts c WHERE c.id = new.contact_id AND c.status != 'do_not_contact') BEGIN
	INSERT INTO contact_counts (facet, value, n) VALUES ('do_not_contact', '', 1) ON CONFLICT (facet, value) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `contact_opt_outs_dnc_delete` AFTER DELETE ON `contact_opt_outs`
WHEN NOT EXISTS (SELECT 1 FROM contact_opt_outs o WHERE o.contact_id = old.contact_id)
	AND EXISTS (SELECT 1 FROM contacts c WHERE c.id = old.contact_id AND c.status != 'do_not_contact') BEGIN
	UPDATE contact_counts SET n = n - 1 WHERE facet = 'do_not_contact' AND value = '';
END;
