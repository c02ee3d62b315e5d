CREATE TABLE `erasures` (
	`id` text PRIMARY KEY NOT NULL,
	`erased_by_user_id` text,
	`erased_by_name` text,
	`counts` text NOT NULL,
	`created_at` text NOT NULL
);
