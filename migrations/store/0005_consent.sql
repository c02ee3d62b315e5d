CREATE TABLE `consent_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`contact_id` text NOT NULL,
	`channel` text NOT NULL,
	`action` text NOT NULL,
	`source` text NOT NULL,
	`message_id` text,
	`call_id` text,
	`evidence` text,
	`note` text,
	`actor_user_id` text,
	`actor_name` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `consent_events_contact` ON `consent_events` (`contact_id`,`channel`,`id`);--> statement-breakpoint
ALTER TABLE `store_settings` ADD `timezone` text;--> statement-breakpoint
ALTER TABLE `store_settings` ADD `quiet_hours_start` text DEFAULT '08:00' NOT NULL;--> statement-breakpoint
ALTER TABLE `store_settings` ADD `quiet_hours_end` text DEFAULT '21:00' NOT NULL;