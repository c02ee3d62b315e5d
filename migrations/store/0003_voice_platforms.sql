CREATE TABLE `integration_status` (
	`integration_id` text PRIMARY KEY NOT NULL,
	`last_event_at` text,
	`last_event` text,
	`last_error_at` text,
	`last_error` text
);
--> statement-breakpoint
ALTER TABLE `calls` ADD `source` text DEFAULT 'pipeline' NOT NULL;--> statement-breakpoint
ALTER TABLE `calls` ADD `recording_url` text;