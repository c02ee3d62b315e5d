CREATE TABLE `import_created` (
	`import_id` text NOT NULL,
	`contact_id` text NOT NULL,
	PRIMARY KEY(`import_id`, `contact_id`),
	FOREIGN KEY (`import_id`) REFERENCES `imports`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `import_created_contact_idx` ON `import_created` (`contact_id`);--> statement-breakpoint
CREATE TABLE `import_errors` (
	`import_id` text NOT NULL,
	`line` integer NOT NULL,
	`reason` text NOT NULL,
	`cells` text NOT NULL,
	PRIMARY KEY(`import_id`, `line`),
	FOREIGN KEY (`import_id`) REFERENCES `imports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `imports` (
	`id` text PRIMARY KEY NOT NULL,
	`filename` text NOT NULL,
	`file_key` text NOT NULL,
	`bytes` integer NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`policy` text DEFAULT 'fill_empty' NOT NULL,
	`header` text NOT NULL,
	`mapping` text NOT NULL,
	`format` text NOT NULL,
	`chunks` text NOT NULL,
	`row_count` integer NOT NULL,
	`chunks_done` integer DEFAULT 0 NOT NULL,
	`rows_done` integer DEFAULT 0 NOT NULL,
	`created_count` integer DEFAULT 0 NOT NULL,
	`updated_count` integer DEFAULT 0 NOT NULL,
	`skipped_count` integer DEFAULT 0 NOT NULL,
	`failed_count` integer DEFAULT 0 NOT NULL,
	`tags_created` integer DEFAULT 0 NOT NULL,
	`detail` text,
	`created_by_user_id` text,
	`created_by_name` text,
	`created_at` text NOT NULL,
	`started_at` text,
	`finished_at` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `imports_created_idx` ON `imports` (`created_at`);