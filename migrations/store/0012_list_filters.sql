CREATE TABLE `contact_counts` (
	`facet` text NOT NULL,
	`value` text NOT NULL,
	`n` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`facet`, `value`)
);
--> statement-breakpoint
CREATE TABLE `contact_opt_outs` (
	`contact_id` text NOT NULL,
	`channel` text NOT NULL,
	PRIMARY KEY(`contact_id`, `channel`),
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `contacts_stage_idx` ON `contacts` (`pipeline_stage`);--> statement-breakpoint
CREATE INDEX `contacts_source_idx` ON `contacts` (`source`);--> statement-breakpoint
-- The counters of contact_counts, from the rows already there; then triggers keep them.
INSERT INTO contact_counts (facet, value, n) SELECT 'status', status, count(*) FROM contacts GROUP BY status;
--> statement-breakpoint
INSERT INTO contact_counts (facet, value, n) SELECT 'stage', coalesce(pipeline_stage, ''), count(*) FROM contacts GROUP BY 2;
--> statement-breakpoint
INSERT INTO contact_counts (facet, value, n) SELECT 'source', coalesce(source, ''), count(*) FROM contacts GROUP BY 2;
--> statement-breakpoint
INSERT INTO contact_counts (facet, value, n) SELECT 'no_name', '', count(*) FROM contacts WHERE sort_name = char(1114111) HAVING count(*) > 0;
--> statement-breakpoint
INSERT INTO contact_counts (facet, value, n) SELECT 'member', member_id, count(*) FROM contact_user GROUP BY member_id;
--> statement-breakpoint
INSERT INTO contact_counts (facet, value, n) SELECT 'tag', tag_id, count(*) FROM contact_tags GROUP BY tag_id;
--> statement-breakpoint
-- A channel's status is its latest opt-in or opt-out (help requests change nothing).
INSERT INTO contact_opt_outs (contact_id, channel)
	SELECT e.contact_id, e.channel FROM consent_events e
	WHERE e.action = 'opted_out' AND e.id = (
		SELECT max(x.id) FROM consent_events x WHERE x.contact_id = e.contact_id AND x.channel = e.channel AND x.action != 'help');
--> statement-breakpoint
CREATE TRIGGER `contacts_counts_insert` AFTER INSERT ON `contacts` BEGIN
	INSERT INTO contact_counts (facet, value, n)
		VALUES ('status', new.status, 1), ('stage', coalesce(new.pipeline_stage, ''), 1), ('source', coalesce(new.source, ''), 1)
		ON CONFLICT (facet, value) DO UPDATE SET n = n + 1;
	INSERT INTO contact_counts (facet, value, n) SELECT 'no_name', '', 1 WHERE new.sort_name = char(1114111)
		ON CONFLICT (facet, value) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `contacts_counts_update` AFTER UPDATE OF status, pipeline_stage, source, first_name, last_name ON `contacts`
WHEN old.status IS NOT new.status OR old.pipeline_stage IS NOT new.pipeline_stage OR old.source IS NOT new.source
	OR (old.sort_name = char(1114111)) IS NOT (new.sort_name = char(1114111)) BEGIN
	UPDATE contact_counts SET n = n - 1 WHERE facet = 'status' AND value = old.status;
	UPDATE contact_counts SET n = n - 1 WHERE facet = 'stage' AND value = coalesce(old.pipeline_stage, '');
	UPDATE contact_counts SET n = n - 1 WHERE facet = 'source' AND value = coalesce(old.source, '');
	UPDATE contact_counts SET n = n - 1 WHERE facet = 'no_name' AND value = '' AND old.sort_name = char(1114111);
	INSERT INTO contact_counts (facet, value, n)
		VALUES ('status', new.status, 1), ('stage', coalesce(new.pipeline_stage, ''), 1), ('source', coalesce(new.source, ''), 1)
		ON CONFLICT (facet, value) DO UPDATE SET n = n + 1;
	INSERT INTO contact_counts (facet, value, n) SELECT 'no_name', '', 1 WHERE new.sort_name = char(1114111)
		ON CONFLICT (facet, value) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `contacts_counts_delete` AFTER DELETE ON `contacts` BEGIN
	UPDATE contact_counts SET n = n - 1 WHERE facet = 'status' AND value = old.status;
	UPDATE contact_counts SET n = n - 1 WHERE facet = 'stage' AND value = coalesce(old.pipeline_stage, '');
	UPDATE contact_counts SET n = n - 1 WHERE facet = 'source' AND value = coalesce(old.source, '');
	UPDATE contact_counts SET n = n - 1 WHERE facet = 'no_name' AND value = '' AND old.sort_name = char(1114111);
END;
--> statement-breakpoint
CREATE TRIGGER `contact_user_counts_insert` AFTER INSERT ON `contact_user` BEGIN
	INSERT INTO contact_counts (facet, value, n) VALUES ('member', new.member_id, 1) ON CONFLICT (facet, value) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `contact_user_counts_delete` AFTER DELETE ON `contact_user` BEGIN
	UPDATE contact_counts SET n = n - 1 WHERE facet = 'member' AND value = old.member_id;
END;
--> statement-breakpoint
CREATE TRIGGER `contact_tags_counts_insert` AFTER INSERT ON `contact_tags` BEGIN
	INSERT INTO contact_counts (facet, value, n) VALUES ('tag', new.tag_id, 1) ON CONFLICT (facet, value) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `contact_tags_counts_delete` AFTER DELETE ON `contact_tags` BEGIN
	UPDATE contact_counts SET n = n - 1 WHERE facet = 'tag' AND value = old.tag_id;
END;
--> statement-breakpoint
CREATE TRIGGER `consent_events_opt_out` AFTER INSERT ON `consent_events` WHEN new.action = 'opted_out' BEGIN
	INSERT OR IGNORE INTO contact_opt_outs (contact_id, channel) VALUES (new.contact_id, new.channel);
END;
--> statement-breakpoint
CREATE TRIGGER `consent_events_opt_in` AFTER INSERT ON `consent_events` WHEN new.action = 'opted_in' BEGIN
	DELETE FROM contact_opt_outs WHERE contact_id = new.contact_id AND channel = new.channel;
END;
