ALTER TABLE `contact_phones` ADD `country` text;--> statement-breakpoint
ALTER TABLE `contact_phones` ADD `national` text;--> statement-breakpoint
ALTER TABLE `contact_phones` ADD `international` text;