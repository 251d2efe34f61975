import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { RuntimeConfig } from "@/config/config";
import { signInWithNewPassword, signInWithPassword } from "./session";

// The sign-in page's two ways in, as useSession's signIn and completeNewPassword call them: the
// tokens end up in localStorage under shop.session either way, where every page reads them.

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

let storage: Map<string, string>;
const stored = () => JSON.parse(storage.get("shop.session") ?? "null") as Record<string, unknown> | null;

beforeEach(() => {
  storage = new Map();
  vi.stubGlobal("localStorage", {
    getItem: (k: string) => storage.get(k) ?? null,
    setItem: (k: string, v: string) => void storage.set(k, v),
  } as Storage);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe("session", () => {
  it("keeps a normal sign-in's tokens", async () => {
    const { fetch } = cognito({ status: 200, body: authenticated });
    const outcome = await signInWithPassword(config, "admin@example.com", "Admin-pass-1", fetch);
    expect(outcome).toEqual({
      kind: "signed-in",
      user: { sub: "u-1", username: "admin@example.com", email: "admin@example.com", groups: ["admin"] },
    });
    expect(stored()).toMatchObject({ accessToken, idToken, refreshToken: "refresh-1" });
  });

  it("keeps nothing on NEW_PASSWORD_REQUIRED, then keeps the challenge answer's tokens exactly as a sign-in's", async () => {
    const { fetch, operations, bodies } = cognito({ status: 200, body: challenge }, { status: 200, body: authenticated });

    const outcome = await signInWithPassword(config, "admin@example.com", "Temp-pass-1", fetch);
    expect(outcome).toEqual({ kind: "new-password-required", challenge: { username: "admin@example.com", session: "session-1" } });
    expect(stored(), "no session before the new password").toBeNull();
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

    // The same record a normal sign-in keeps.
    const viaChallenge = stored();
    storage.clear();
    await signInWithPassword(config, "admin@example.com", "Own-pass-12!", cognito({ status: 200, body: authenticated }).fetch);
    const viaPassword = stored();
    expect(Object.keys(viaChallenge ?? {}).sort()).toEqual(Object.keys(viaPassword ?? {}).sort());
    expect({ ...viaChallenge, expiresAt: 0 }).toEqual({ ...viaPassword, expiresAt: 0 });
    expect(viaChallenge?.expiresAt).toEqual(expect.any(Number));
  });

  it("keeps nothing when the new password is refused or the session has ended", async () => {
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
    expect(stored()).toBeNull();
  });
});
