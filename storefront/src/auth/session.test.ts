import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { RuntimeConfig } from "@/config/config";

// The sign-in page's two ways in, as useSession's signIn and completeNewPassword call them, and a
// reload: the access and ID tokens stay in the module's memory, where currentToken hands them to
// the API client; only the refresh token is written, to sessionStorage. Each test imports a fresh
// module, as a new page load does, over storages that outlive it, as the browser's do.

const config: RuntimeConfig = {
  region: "us-east-1",
  user_pool_id: "us-east-1_pool",
  user_pool_client_id: "client-1",
  cognito_endpoint: "http://127.0.0.1:4566",
};

const jwt = (claims: object) => `h.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.s`;
const accessToken = jwt({ sub: "u-1", username: "admin@example.com", "cognito:groups": ["admin"] });
const idToken = jwt({ sub: "u-1", email: "admin@example.com" });
const authenticated = {
  ChallengeParameters: {},
  AuthenticationResult: { AccessToken: accessToken, IdToken: idToken, RefreshToken: "refresh-1", ExpiresIn: 3600, TokenType: "Bearer" },
};
const challenge = { ChallengeName: "NEW_PASSWORD_REQUIRED", Session: "session-1", ChallengeParameters: { USERNAME: "admin@example.com" } };

/** Cognito answering each call in turn; the X-Amz-Target operations it was asked, in order. */
function cognito(...answers: { status: number; body: object }[]) {
  const operations: string[] = [];
  const bodies: unknown[] = [];
  const fetch = vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
    operations.push(new Headers(init?.headers).get("x-amz-target")?.split(".")[1] ?? "");
    bodies.push(JSON.parse(init?.body as string));
    const answer = answers.shift();
    if (!answer) throw new Error("no more answers");
    return new Response(JSON.stringify(answer.body), { status: answer.status });
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, operations, bodies };
}

function memoryStorage() {
  const data = new Map<string, string>();
  const storage = {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  } as Storage;
  return { storage, data };
}

let session: ReturnType<typeof memoryStorage>;
let local: ReturnType<typeof memoryStorage>;
/** What the browser's storages hold, as one text. */
const stored = () => JSON.stringify([...session.data, ...local.data]);

/** The session module as a fresh page load gets it. */
async function load() {
  vi.resetModules();
  return import("./session");
}

beforeEach(() => {
  session = memoryStorage();
  local = memoryStorage();
  vi.stubGlobal("sessionStorage", session.storage);
  vi.stubGlobal("localStorage", local.storage);
  // One tab: no other tab to hand the session over (tokenStore.test.ts covers that).
  vi.stubGlobal("BroadcastChannel", undefined);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe("session", () => {
  it("keeps a normal sign-in's access and ID tokens in memory and only its refresh token in sessionStorage", async () => {
    const { signInWithPassword, currentToken } = await load();
    const { fetch } = cognito({ status: 200, body: authenticated });
    const outcome = await signInWithPassword(config, "admin@example.com", "Admin-pass-1", fetch);
    expect(outcome).toEqual({
      kind: "signed-in",
      user: { sub: "u-1", username: "admin@example.com", email: "admin@example.com", groups: ["admin"] },
    });
    expect(await currentToken(config)).toBe(accessToken);
    expect(Object.fromEntries(session.data)).toEqual({ "shop.refresh-token": "refresh-1" });
    expect(local.data.size).toBe(0);
    expect(stored()).not.toContain(accessToken);
    expect(stored()).not.toContain(idToken);
  });

  it("keeps nothing on NEW_PASSWORD_REQUIRED, then keeps the challenge answer's tokens exactly as a sign-in's", async () => {
    const { signInWithPassword, signInWithNewPassword, currentToken } = await load();
    const { fetch, operations, bodies } = cognito({ status: 200, body: challenge }, { status: 200, body: authenticated });

    const outcome = await signInWithPassword(config, "admin@example.com", "Temp-pass-1", fetch);
    expect(outcome).toEqual({ kind: "new-password-required", challenge: { username: "admin@example.com", session: "session-1" } });
    expect(stored(), "no session before the new password").toBe("[]");
    expect(await currentToken(config)).toBeNull();
    if (outcome.kind !== "new-password-required") return;

    const user = await signInWithNewPassword(config, outcome.challenge, "Own-pass-12!", fetch);
    expect(operations).toEqual(["InitiateAuth", "RespondToAuthChallenge"]);
    expect(bodies[1]).toEqual({
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      ClientId: "client-1",
      Session: "session-1",
      ChallengeResponses: { USERNAME: "admin@example.com", NEW_PASSWORD: "Own-pass-12!" },
    });
    expect(user).toEqual({ sub: "u-1", username: "admin@example.com", email: "admin@example.com", groups: ["admin"] });

    // The same as a normal sign-in keeps.
    const viaChallenge = stored();
    expect(await currentToken(config)).toBe(accessToken);
    const fresh = await load();
    session.data.clear();
    await fresh.signInWithPassword(config, "admin@example.com", "Own-pass-12!", cognito({ status: 200, body: authenticated }).fetch);
    expect(stored()).toEqual(viaChallenge);
    expect(await fresh.currentToken(config)).toBe(accessToken);
  });

  it("keeps nothing when the new password is refused or the session has ended", async () => {
    const { signInWithNewPassword } = await load();
    const refused = cognito({
      status: 400,
      body: { __type: "InvalidPasswordException", message: "Password does not conform to policy: Password not long enough" },
    });
    await expect(signInWithNewPassword(config, { username: "u", session: "s" }, "short", refused.fetch)).rejects.toMatchObject({
      code: "InvalidPasswordException",
    });
    const expired = cognito({
      status: 400,
      body: { __type: "com.amazonaws.cognito#NotAuthorizedException", message: "Invalid session for the user, session is expired." },
    });
    await expect(signInWithNewPassword(config, { username: "u", session: "s" }, "Own-pass-12!", expired.fetch)).rejects.toMatchObject({
      code: "NotAuthorizedException",
    });
    expect(stored()).toBe("[]");
  });

  it("after a reload asks Cognito for new access and ID tokens with the kept refresh token (REFRESH_TOKEN_AUTH)", async () => {
    const before = await load();
    await before.signInWithPassword(config, "admin@example.com", "Admin-pass-1", cognito({ status: 200, body: authenticated }).fetch);

    const renewedAccess = jwt({ sub: "u-1", username: "admin@example.com", "cognito:groups": ["admin"], renewed: true });
    const renewed = { AuthenticationResult: { AccessToken: renewedAccess, IdToken: idToken, ExpiresIn: 3600, TokenType: "Bearer" } };
    const { fetch, operations, bodies } = cognito({ status: 200, body: renewed });
    vi.stubGlobal("fetch", fetch);
    const after = await load();
    expect(await after.currentToken(config)).toBe(renewedAccess);
    expect(operations).toEqual(["InitiateAuth"]);
    expect(bodies[0]).toEqual({ AuthFlow: "REFRESH_TOKEN_AUTH", ClientId: "client-1", AuthParameters: { REFRESH_TOKEN: "refresh-1" } });
    expect(Object.fromEntries(session.data), "Cognito sends no new refresh token: the one kept stays").toEqual({
      "shop.refresh-token": "refresh-1",
    });
  });

  it("moves an earlier version's localStorage session out of localStorage on load, signed in from its refresh token", async () => {
    local.storage.setItem("shop.session", JSON.stringify({ accessToken, idToken, refreshToken: "old-refresh", expiresAt: Date.now() + 3600_000 }));
    const { fetch, bodies } = cognito({ status: 200, body: authenticated });
    vi.stubGlobal("fetch", fetch);
    const { currentToken } = await load();
    expect(await currentToken(config)).toBe(accessToken);
    expect(bodies[0]).toMatchObject({ AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: "old-refresh" } });
    expect(local.data.size).toBe(0);
    expect(stored()).not.toContain(accessToken);
  });
});
