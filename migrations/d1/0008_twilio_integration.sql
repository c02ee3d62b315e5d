ALTER TABLE `integrations` ADD `account_sid` text;--> statement-breakpoint
ALTER TABLE `integrations` ADD `keyword_replies` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `integrations_one_twilio_idx` ON `integrations` (`organization_id`) WHERE provider = 'twilio';