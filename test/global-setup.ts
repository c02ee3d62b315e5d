import type { TestProject } from "vitest/node";
// @ts-expect-error plain ESM module shared with the browser tests
import { startFakeOpenAI } from "./fakes/openai-server.mjs";
// @ts-expect-error plain ESM module shared with the browser tests
import { startFakeTwilio } from "./fakes/twilio-server.mjs";
// @ts-expect-error plain ESM module shared with the browser tests
import { startWebhookReceiver } from "./fakes/webhook-receiver.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    openaiUrl: string;
    twilioUrl: string;
    receiverUrl: string;
  }
}

/** The third-party APIs, faked as real HTTP servers on 127.0.0.1 for the whole run. */
export default async function setup(project: TestProject) {
  const [openai, twilio, receiver] = await Promise.all([startFakeOpenAI(), startFakeTwilio(), startWebhookReceiver()]);
  project.provide("openaiUrl", openai.url);
  project.provide("twilioUrl", twilio.url);
  project.provide("receiverUrl", receiver.url);
  return async () => {
    await Promise.all([openai.close(), twilio.close(), receiver.close()]);
  };
}
