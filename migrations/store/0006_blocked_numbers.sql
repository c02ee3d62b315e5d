CREATE TABLE `blocked_numbers` (
	`id` text PRIMARY KEY NOT NULL,
	`phone_number` text NOT NULL,
	`reason` text,
	`created_by_user_id` text,
	`created_by_name` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `blocked_numbers_phone_number_unique` ON `blocked_numbers` (`phone_number`);--> statement-breakpoint
ALTER TABLE `calls` ADD `blocked` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `calls` ADD `attestation` text;