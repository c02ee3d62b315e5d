import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { organization } from "better-auth/plugins";
import { asc, eq } from "drizzle-orm";
import { createDb } from "./db/client";
import * as schema from "./db/schema";
import { newId } from "./lib/ids";

function buildAuth(env: Env, baseURL: string) {
  const db = createDb(env.DB);
  const url = new URL(baseURL);
  const local = url.hostname === "localhost" || url.hostname === "127.0.0.1";
  return betterAuth({
    baseURL,
    basePath: "/api/auth",
    secret: env.BETTER_AUTH_SECRET,
    database: drizzleAdapter(db, {
      provider: "sqlite",
      schema: {
        user: schema.user,
        session: schema.session,
        account: schema.account,
        verification: schema.verification,
        rateLimit: schema.rateLimit,
        organization: schema.organization,
        member: schema.member,
        invitation: schema.invitation,
      },
    }),
    emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: 128 },
    session: { expiresIn: 60 * 60 * 24 * 30, updateAge: 60 * 60 * 24 },
    rateLimit: {
      enabled: true,
      storage: "database",
      window: 60,
      max: 300,
      customRules: {
        "/sign-in/email": { window: 60, max: 10 },
        "/sign-up/email": { window: 60, max: 10 },
      },
    },
    advanced: {
      database: { generateId: () => newId() },
      useSecureCookies: url.protocol === "https:" && !local,
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax" },
      ipAddress: { ipAddressHeaders: ["cf-connecting-ip", "x-forwarded-for"] },
    },
    databaseHooks: {
      session: {
        create: {
          // A new session starts in the user's first organization, so a returning user lands
          // straight in their contacts instead of an empty "pick an organization" state.
          before: async (session) => {
            const first = await db
              .select({ organizationId: schema.member.organizationId })
              .from(schema.member)
              .where(eq(schema.member.userId, session.userId))
              .orderBy(asc(schema.member.createdAt))
              .limit(1);
            return { data: { ...session, activeOrganizationId: first[0]?.organizationId ?? null } };
          },
        },
      },
    },
    plugins: [
      organization({
        allowUserToCreateOrganization: true,
        creatorRole: "owner",
        invitationExpiresIn: 60 * 60 * 24 * 7,
        // No mail provider is part of this service: the invitation id is returned by the API
        // and shown in the web app as a link the admin shares. Holding that secret link is the
        // proof of the invitee's address, so email verification is not required to accept.
        sendInvitationEmail: async () => {},
        requireEmailVerificationOnInvitation: false,
      }),
    ],
  });
}

export type Auth = ReturnType<typeof buildAuth>;

const cache = new WeakMap<D1Database, Map<string, Auth>>();

/** One better-auth instance per database binding and public origin (building one is not free). */
export function getAuth(env: Env, requestUrl: string): Auth {
  const baseURL = env.BETTER_AUTH_URL || new URL(requestUrl).origin;
  let byOrigin = cache.get(env.DB);
  if (!byOrigin) cache.set(env.DB, (byOrigin = new Map()));
  let auth = byOrigin.get(baseURL);
  if (!auth) byOrigin.set(baseURL, (auth = buildAuth(env, baseURL)));
  return auth;
}
