import { appOrigin } from "../http/env";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { createAuthMiddleware } from "better-auth/api";
import { openAPI, organization } from "better-auth/plugins";
import { asc, eq } from "drizzle-orm";
import { createDb } from "../global/db";
import * as schema from "../global/schema";
import { newId } from "../lib/ids";
import { orgStore } from "../store/client";
import { forgetSessionsOf } from "./principals";

interface HookMember {
  id: string;
  role: string;
  organizationId: string;
}
interface HookUser {
  id: string;
  name: string;
  email: string;
}

/** The store's copy of a member, from what better-auth hands its hooks. */
const record = (member: HookMember, user: HookUser) => ({ id: member.id, userId: user.id, name: user.name, email: user.email, role: member.role });

function buildAuth(env: Env, baseURL: string) {
  const db = createDb(env.DB);
  const url = new URL(baseURL);
  const local = url.hostname === "localhost" || url.hostname === "127.0.0.1";
  const store = (organizationId: string) => orgStore(env, organizationId);
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
      user: {
        update: {
          // The stores show members' names (assignments, notes, todos): they follow a rename.
          after: async (user) => {
            const memberships = await db.select({ organizationId: schema.member.organizationId }).from(schema.member).where(eq(schema.member.userId, user.id));
            await Promise.all(memberships.map((m) => store(m.organizationId).renameUser(user.id, user.name, user.email)));
          },
        },
      },
    },
    hooks: {
      // Leaving an organization removes the member without an organization hook.
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== "/organization/leave") return;
        const left = ctx.context.returned as Partial<HookMember> | undefined;
        if (!left?.id || !left.organizationId) return;
        forgetSessionsOf({ userId: ctx.context.session?.user.id });
        await store(left.organizationId).removeMember(left.id);
      }),
    },
    plugins: [
      // Its generator documents the auth routes in /api/openapi.json (auth/openapi.ts); its own
      // reference page (a CDN viewer) stays off: /api/docs is the one reference.
      openAPI({ disableDefaultReference: true }),
      organization({
        allowUserToCreateOrganization: true,
        creatorRole: "owner",
        invitationExpiresIn: 60 * 60 * 24 * 7,
        // No mail provider is part of this service: the invitation id is returned by the API
        // and shown in the web app as a link the admin shares. Holding that secret link is the
        // proof of the invitee's address, so email verification is not required to accept.
        sendInvitationEmail: async () => {},
        requireEmailVerificationOnInvitation: false,
        // Each organization's data lives in its own store: these keep its copy of the members
        // in step, create the store with the organization, and delete it with the organization.
        organizationHooks: {
          // Also called for the creator of a new organization: that creates its store.
          afterAddMember: async ({ member, user }) => {
            await store(member.organizationId).upsertMember(record(member, user));
          },
          afterAcceptInvitation: async ({ member, user }) => {
            await store(member.organizationId).upsertMember(record(member, user));
          },
          afterUpdateMemberRole: async ({ member, user }) => {
            forgetSessionsOf({ userId: user.id });
            await store(member.organizationId).upsertMember(record(member, user));
          },
          afterRemoveMember: async ({ member, user }) => {
            forgetSessionsOf({ userId: user.id });
            await store(member.organizationId).removeMember(member.id);
          },
          afterDeleteOrganization: async ({ organization }) => {
            forgetSessionsOf({ organizationId: organization.id });
            await store(organization.id).destroy();
          },
        },
      }),
    ],
  });
}

export type Auth = ReturnType<typeof buildAuth>;

const cache = new WeakMap<D1Database, Map<string, Auth>>();

/** One better-auth instance per database binding and public origin (building one is not free). */
export function getAuth(env: Env, requestUrl: string): Auth {
  const baseURL = appOrigin(env, requestUrl);
  let byOrigin = cache.get(env.DB);
  if (!byOrigin) cache.set(env.DB, (byOrigin = new Map()));
  let auth = byOrigin.get(baseURL);
  if (!auth) byOrigin.set(baseURL, (auth = buildAuth(env, baseURL)));
  return auth;
}
