CREATE TABLE `blob_deletions` (
	`key` text PRIMARY KEY NOT NULL,
	`requested_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `call_analyses` (
	`id` text PRIMARY KEY NOT NULL,
	`call_id` text NOT NULL,
	`analyzer` text NOT NULL,
	`results` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `call_analyses_call_idx` ON `call_analyses` (`call_id`,`analyzer`,`created_at`);--> statement-breakpoint
CREATE TABLE `calls` (
	`id` text PRIMARY KEY NOT NULL,
	`contact_id` text,
	`phone_line_id` text,
	`external_id` text,
	`direction` text DEFAULT 'inbound' NOT NULL,
	`caller_phone` text,
	`to_phone` text,
	`started_at` text NOT NULL,
	`ended_at` text,
	`duration_seconds` integer,
	`transcript_key` text,
	`transcript_chars` integer,
	`enrichment_status` text,
	`enrichment_detail` text,
	`enrichment_model` text,
	`enrichment_prompt_tokens` integer,
	`enrichment_completion_tokens` integer,
	`enriched_at` text,
	`enrichment_claimed_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`phone_line_id`) REFERENCES `phone_lines`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `calls_external_id_unique` ON `calls` (`external_id`);--> statement-breakpoint
CREATE INDEX `calls_contact_started_idx` ON `calls` (`contact_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `calls_started_idx` ON `calls` (`started_at`);--> statement-breakpoint
CREATE TABLE `contact_addresses` (
	`id` text PRIMARY KEY NOT NULL,
	`contact_id` text NOT NULL,
	`label` text,
	`street` text,
	`city` text,
	`state` text,
	`zip` text,
	`country` text,
	`is_primary` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `contact_addresses_contact_idx` ON `contact_addresses` (`contact_id`);--> statement-breakpoint
CREATE TABLE `contact_emails` (
	`id` text PRIMARY KEY NOT NULL,
	`contact_id` text NOT NULL,
	`email` text NOT NULL,
	`email_normalized` text NOT NULL,
	`label` text,
	`is_preferred` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contact_emails_contact_email_uq` ON `contact_emails` (`contact_id`,`email_normalized`);--> statement-breakpoint
CREATE INDEX `contact_emails_email_idx` ON `contact_emails` (`email_normalized`);--> statement-breakpoint
CREATE TABLE `contact_memory` (
	`contact_id` text PRIMARY KEY NOT NULL,
	`content` text NOT NULL,
	`sources` text DEFAULT '[]' NOT NULL,
	`model` text,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `contact_phones` (
	`id` text PRIMARY KEY NOT NULL,
	`contact_id` text NOT NULL,
	`phone_number` text NOT NULL,
	`digits` text NOT NULL,
	`national_digits` text NOT NULL,
	`label` text,
	`is_preferred` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contact_phones_phone_number_unique` ON `contact_phones` (`phone_number`);--> statement-breakpoint
CREATE INDEX `contact_phones_contact_idx` ON `contact_phones` (`contact_id`);--> statement-breakpoint
CREATE TABLE `contact_stats` (
	`id` integer PRIMARY KEY NOT NULL,
	`contact_count` integer DEFAULT 0 NOT NULL,
	`assigned_count` integer DEFAULT 0 NOT NULL,
	CONSTRAINT "contact_stats_one_row" CHECK("contact_stats"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE `contact_tags` (
	`contact_id` text NOT NULL,
	`tag_id` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`contact_id`, `tag_id`),
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tag_id`) REFERENCES `tags`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `contact_tags_tag_idx` ON `contact_tags` (`tag_id`,`contact_id`);--> statement-breakpoint
CREATE TABLE `contact_user` (
	`contact_id` text NOT NULL,
	`member_id` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`contact_id`, `member_id`),
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `contact_user_member_idx` ON `contact_user` (`member_id`,`contact_id`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`first_name` text DEFAULT '' NOT NULL,
	`last_name` text DEFAULT '' NOT NULL,
	`company` text,
	`job_title` text,
	`source` text,
	`status` text DEFAULT 'active' NOT NULL,
	`pipeline_stage` text,
	`external_id` text,
	`timezone` text,
	`preferred_language` text,
	`date_of_birth` text,
	`gender` text,
	`avatar_url` text,
	`ai_summary` text,
	`sort_name` text GENERATED ALWAYS AS (CASE WHEN trim(first_name || last_name) = '' THEN char(1114111) ELSE lower(trim(first_name || ' ' || last_name)) END) VIRTUAL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`last_contacted_at` text
);
--> statement-breakpoint
CREATE INDEX `contacts_created_idx` ON `contacts` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `contacts_sort_name_idx` ON `contacts` (`sort_name`,`id`);--> statement-breakpoint
CREATE INDEX `contacts_last_contacted_idx` ON `contacts` (`last_contacted_at`,`id`);--> statement-breakpoint
CREATE INDEX `contacts_status_idx` ON `contacts` (`status`);--> statement-breakpoint
CREATE INDEX `contacts_external_idx` ON `contacts` (`external_id`);--> statement-breakpoint
CREATE TABLE `members` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`role` text NOT NULL,
	`removed_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `members_user_id_unique` ON `members` (`user_id`);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`contact_id` text,
	`phone_line_id` text,
	`direction` text NOT NULL,
	`from_phone` text NOT NULL,
	`to_phone` text NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`media_urls` text DEFAULT '[]' NOT NULL,
	`status` text NOT NULL,
	`status_detail` text,
	`provider` text,
	`provider_message_id` text,
	`sent_by_user_id` text,
	`sent_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`phone_line_id`) REFERENCES `phone_lines`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_provider_message_id_unique` ON `messages` (`provider_message_id`);--> statement-breakpoint
CREATE INDEX `messages_contact_created_idx` ON `messages` (`contact_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `notes` (
	`id` text PRIMARY KEY NOT NULL,
	`contact_id` text NOT NULL,
	`author_user_id` text,
	`call_id` text,
	`area` text DEFAULT 'manual' NOT NULL,
	`body` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `notes_contact_created_idx` ON `notes` (`contact_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `phone_lines` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`phone_number` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `phone_lines_phone_number_unique` ON `phone_lines` (`phone_number`);--> statement-breakpoint
CREATE TABLE `store_settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`default_region` text DEFAULT 'US' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "store_settings_one_row" CHECK("store_settings"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE `tags` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`name_normalized` text NOT NULL,
	`color` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tags_name_normalized_unique` ON `tags` (`name_normalized`);--> statement-breakpoint
CREATE TABLE `todos` (
	`id` text PRIMARY KEY NOT NULL,
	`contact_id` text,
	`call_id` text,
	`title` text NOT NULL,
	`description` text,
	`status` text DEFAULT 'open' NOT NULL,
	`due_at` text,
	`assignee_member_id` text,
	`created_by_user_id` text,
	`completed_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`assignee_member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `todos_contact_created_idx` ON `todos` (`contact_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `todos_call_idx` ON `todos` (`call_id`);