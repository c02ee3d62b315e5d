import type { TestProject } from "vitest/node";
// @ts-expect-error plain ESM module shared with the browser tests
import { startFakeOpenAI } from "./fakes/openai-server.mjs";
// @ts-expect-error plain ESM module shared with the browser tests
import { startFakeTwilio } from "./fakes/twilio-server.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    openaiUrl: string;
    twilioUrl: string;
  }
}

/** The third-party APIs, faked as real HTTP servers on 127.0.0.1 for the whole run. */
export default async function setup(project: TestProject) {
  const [openai, twilio] = await Promise.all([startFakeOpenAI(), startFakeTwilio()]);
  project.provide("openaiUrl", openai.url);
  project.provide("twilioUrl", twilio.url);
  return async () => {
    await Promise.all([openai.close(), twilio.close()]);
  };
}
