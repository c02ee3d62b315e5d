CREATE TABLE `message_media` (
	`message_id` text NOT NULL,
	`position` integer NOT NULL,
	`source_url` text NOT NULL,
	`r2_key` text,
	`content_type` text,
	`bytes` integer,
	`stored_at` text,
	`error` text,
	PRIMARY KEY(`message_id`, `position`),
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
-- Messages stored before this version: their media, to be copied from where the provider serves them.
INSERT INTO `message_media` (`message_id`, `position`, `source_url`)
SELECT m.id, j.key, j.value FROM `messages` m, json_each(m.media_urls) j;
