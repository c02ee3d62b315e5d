// Types of drizzle-kit's bundle of the store migrations (migrations.js, generated).
declare const bundle: {
  journal: { entries: { idx: number; when: number; tag: string; breakpoints: boolean }[] };
  migrations: Record<string, string>;
};
export default bundle;
