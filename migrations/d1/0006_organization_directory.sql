CREATE TABLE `organization_directory` (
	`organization_id` text PRIMARY KEY NOT NULL,
	`store_schema_version` integer NOT NULL,
	`created_at` text NOT NULL,
	`last_migrated_at` text NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organization`(`id`) ON UPDATE no action ON DELETE cascade
);
