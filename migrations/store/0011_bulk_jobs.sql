CREATE TABLE `bulk_job_items` (
	`job_id` text NOT NULL,
	`position` integer NOT NULL,
	`contact_id` text NOT NULL,
	PRIMARY KEY(`job_id`, `position`),
	FOREIGN KEY (`job_id`) REFERENCES `bulk_jobs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `bulk_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`action` text NOT NULL,
	`status` text NOT NULL,
	`total` integer NOT NULL,
	`done_count` integer DEFAULT 0 NOT NULL,
	`affected` integer DEFAULT 0 NOT NULL,
	`detail` text,
	`created_by_user_id` text,
	`created_by_name` text,
	`created_at` text NOT NULL,
	`finished_at` text,
	`updated_at` text NOT NULL
);
