import type { TestProject } from "vitest/node";
// @ts-expect-error plain ESM module shared with the browser tests
import { startFakeOpenAI } from "./fakes/openai-server.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    openaiUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const fake = await startFakeOpenAI();
  project.provide("openaiUrl", fake.url);
  return () => fake.close();
}
