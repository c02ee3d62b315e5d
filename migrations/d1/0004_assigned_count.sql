ALTER TABLE `organization_stats` ADD `assigned_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Kept by triggers: the assignments view's "assigned of total" and its unassigned total are
-- O(1) instead of scanning every assignment (measured ~7 ms and 56 ms on 100k contacts).
UPDATE organization_stats SET assigned_count =
	(SELECT count(DISTINCT cu.contact_id) FROM contact_user cu WHERE cu.organization_id = organization_stats.organization_id);
--> statement-breakpoint
CREATE TRIGGER `contact_user_assigned_insert` AFTER INSERT ON `contact_user`
WHEN (SELECT count(*) FROM contact_user WHERE contact_id = new.contact_id) = 1 BEGIN
	UPDATE organization_stats SET assigned_count = assigned_count + 1 WHERE organization_id = new.organization_id;
END;
--> statement-breakpoint
CREATE TRIGGER `contact_user_assigned_delete` AFTER DELETE ON `contact_user`
WHEN NOT EXISTS (SELECT 1 FROM contact_user WHERE contact_id = old.contact_id) BEGIN
	UPDATE organization_stats SET assigned_count = assigned_count - 1 WHERE organization_id = old.organization_id;
END;
