import { describe, expect, it, vi } from "vitest";
import type { RuntimeConfig } from "@/config/config";
import {
  CognitoError,
  confirmSignUp,
  globalSignOut,
  resendConfirmationCode,
  respondToNewPasswordChallenge,
  signIn,
  signUp,
  userOf,
  type Tokens,
} from "./cognito";

const config: RuntimeConfig = {
  region: "eu-west-1",
  user_pool_id: "eu-west-1_pool",
  user_pool_client_id: "client-1",
  cognito_endpoint: null,
};

const jwt = (claims: object) => `h.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.s`;

function answering(status: number, body: object) {
  return vi.fn<(url: string | URL | Request, init?: RequestInit) => Promise<Response>>(
    async () => new Response(JSON.stringify(body), { status }),
  );
}

describe("cognito", () => {
  it("signs in with USER_PASSWORD_AUTH against the region's endpoint", async () => {
    const accessToken = jwt({ sub: "u-1", username: "admin@example.com", "cognito:groups": ["admin"] });
    const fetch = answering(200, { AuthenticationResult: { AccessToken: accessToken, IdToken: "id", RefreshToken: "r", ExpiresIn: 3600 } });
    const result = await signIn(config, "admin@example.com", "pw", fetch as unknown as typeof globalThis.fetch);

    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe("https://cognito-idp.eu-west-1.amazonaws.com/");
    expect(new Headers(init?.headers).get("x-amz-target")).toBe("AWSCognitoIdentityProviderService.InitiateAuth");
    expect(JSON.parse(init?.body as string)).toEqual({
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: "client-1",
      AuthParameters: { USERNAME: "admin@example.com", PASSWORD: "pw" },
    });
    expect(result.kind).toBe("tokens");
    const tokens = (result as { tokens: Tokens }).tokens;
    expect(tokens.refreshToken).toBe("r");
    expect(userOf(tokens)).toEqual({ sub: "u-1", username: "admin@example.com", email: null, groups: ["admin"] });
  });

  it("hands back the NEW_PASSWORD_REQUIRED challenge of an admin-created account instead of tokens", async () => {
    // AWS names the user by its generated username (USER_ID_FOR_SRP); the e-mail address was typed.
    const aws = answering(200, {
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      Session: "session-1",
      ChallengeParameters: { USER_ID_FOR_SRP: "5f0c-generated", requiredAttributes: "[]", userAttributes: '{"email":"new@example.com"}' },
    });
    expect(await signIn(config, "new@example.com", "Temp-pass-1", aws as unknown as typeof globalThis.fetch)).toEqual({
      kind: "new-password-required",
      challenge: { username: "5f0c-generated", session: "session-1" },
    });
    // moto 5.2 names it USERNAME.
    const moto = answering(200, { ChallengeName: "NEW_PASSWORD_REQUIRED", Session: "session-2", ChallengeParameters: { USERNAME: "new@example.com" } });
    expect(await signIn(config, "new@example.com", "Temp-pass-1", moto as unknown as typeof globalThis.fetch)).toEqual({
      kind: "new-password-required",
      challenge: { username: "new@example.com", session: "session-2" },
    });
    // Neither: the typed name.
    const bare = answering(200, { ChallengeName: "NEW_PASSWORD_REQUIRED", Session: "session-3" });
    expect(await signIn(config, "new@example.com", "Temp-pass-1", bare as unknown as typeof globalThis.fetch)).toMatchObject({
      challenge: { username: "new@example.com" },
    });
  });

  it("still refuses a challenge it does not offer (MFA) with a CognitoError named after it", async () => {
    const fetch = answering(200, { ChallengeName: "SOFTWARE_TOKEN_MFA", Session: "s", ChallengeParameters: {} });
    await expect(signIn(config, "a@example.com", "pw", fetch as unknown as typeof globalThis.fetch)).rejects.toMatchObject({
      code: "SOFTWARE_TOKEN_MFA",
      message: "This account needs a step the storefront does not offer yet.",
    });
  });

  it("answers NEW_PASSWORD_REQUIRED with USERNAME and NEW_PASSWORD at the same endpoint, and returns the sign-in's tokens", async () => {
    const accessToken = jwt({ sub: "u-5", username: "new@example.com" });
    const fetch = answering(200, {
      ChallengeParameters: {},
      AuthenticationResult: { AccessToken: accessToken, IdToken: "id", RefreshToken: "r-5", ExpiresIn: 3600, TokenType: "Bearer" },
    });
    const local = { ...config, cognito_endpoint: "http://127.0.0.1:4566" };
    const before = Date.now();
    const tokens = await respondToNewPasswordChallenge(
      local,
      { username: "5f0c-generated", session: "session-1" },
      "Own-password-12",
      fetch as unknown as typeof globalThis.fetch,
    );

    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe("http://127.0.0.1:4566");
    expect(new Headers(init?.headers).get("x-amz-target")).toBe("AWSCognitoIdentityProviderService.RespondToAuthChallenge");
    expect(new Headers(init?.headers).get("content-type")).toBe("application/x-amz-json-1.1");
    expect(JSON.parse(init?.body as string)).toEqual({
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      ClientId: "client-1",
      Session: "session-1",
      ChallengeResponses: { USERNAME: "5f0c-generated", NEW_PASSWORD: "Own-password-12" },
    });
    expect(tokens).toMatchObject({ accessToken, idToken: "id", refreshToken: "r-5" });
    expect(tokens.expiresAt).toBeGreaterThanOrEqual(before + 3600_000);
  });

  it("says the new password is saved when Cognito asks for yet another step (MFA set-up) instead of tokens", async () => {
    const fetch = answering(200, { ChallengeName: "MFA_SETUP", Session: "s-2", ChallengeParameters: { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' } });
    await expect(
      respondToNewPasswordChallenge(config, { username: "u", session: "s" }, "Own-password-12", fetch as unknown as typeof globalThis.fetch),
    ).rejects.toMatchObject({ code: "MFA_SETUP", message: expect.stringMatching(/new password is saved/) });
  });

  it("passes the challenge's errors on as CognitoErrors", async () => {
    const fetch = answering(400, { __type: "NotAuthorizedException", message: "Invalid session for the user, session is expired." });
    await expect(
      respondToNewPasswordChallenge(config, { username: "u", session: "old" }, "Own-password-12", fetch as unknown as typeof globalThis.fetch),
    ).rejects.toMatchObject({ code: "NotAuthorizedException", message: "Invalid session for the user, session is expired." });
  });

  it("passes Cognito's own message on, for the sign-in form to show", async () => {
    const fetch = answering(400, { __type: "NotAuthorizedException", message: "Incorrect username or password." });
    const error = await signIn({ ...config, cognito_endpoint: "http://127.0.0.1:4566" }, "a", "b", fetch as unknown as typeof globalThis.fetch).catch(
      (e: unknown) => e,
    );
    expect(fetch.mock.calls[0]![0]).toBe("http://127.0.0.1:4566");
    expect(error).toBeInstanceOf(CognitoError);
    expect(error).toMatchObject({ code: "NotAuthorizedException", message: "Incorrect username or password." });
  });

  it("shows the ID token's e-mail: on AWS the access token's username is a generated id", () => {
    const tokens = {
      accessToken: jwt({ sub: "u-2", username: "5f0c-generated" }),
      idToken: jwt({ sub: "u-2", email: "new@example.com" }),
      refreshToken: null,
      expiresAt: 0,
    };
    expect(userOf(tokens)).toEqual({ sub: "u-2", username: "5f0c-generated", email: "new@example.com", groups: [] });
  });

  it("signs up with the e-mail address as username and email attribute, and reports where the code went", async () => {
    const fetch = answering(200, {
      UserConfirmed: false,
      UserSub: "u-3",
      CodeDeliveryDetails: { Destination: "n***@e***", DeliveryMedium: "EMAIL", AttributeName: "email" },
    });
    const answer = await signUp(config, "new@example.com", "Long-enough-1", fetch as unknown as typeof globalThis.fetch);

    const [, init] = fetch.mock.calls[0]!;
    expect(new Headers(init?.headers).get("x-amz-target")).toBe("AWSCognitoIdentityProviderService.SignUp");
    expect(JSON.parse(init?.body as string)).toEqual({
      ClientId: "client-1",
      Username: "new@example.com",
      Password: "Long-enough-1",
      UserAttributes: [{ Name: "email", Value: "new@example.com" }],
    });
    expect(answer).toEqual({ confirmed: false, delivery: { destination: "n***@e***", medium: "EMAIL" } });
  });

  it("reads a sign-up without delivery details (moto's) as no destination", async () => {
    const fetch = answering(200, { UserConfirmed: false, UserSub: "u-4" });
    const answer = await signUp(config, "a@example.com", "pw", fetch as unknown as typeof globalThis.fetch);
    expect(answer).toEqual({ confirmed: false, delivery: { destination: null, medium: null } });
  });

  it("confirms with the code, resends a code, and signs out everywhere with the access token", async () => {
    const fetch = answering(200, { CodeDeliveryDetails: { Destination: "a***@e***", DeliveryMedium: "EMAIL" } });
    const doFetch = fetch as unknown as typeof globalThis.fetch;
    await confirmSignUp(config, "a@example.com", "123456", doFetch);
    expect(await resendConfirmationCode(config, "a@example.com", doFetch)).toEqual({ destination: "a***@e***", medium: "EMAIL" });
    await globalSignOut(config, "access-token", doFetch);

    const calls = fetch.mock.calls.map(([, init]) => [
      new Headers(init?.headers).get("x-amz-target")?.split(".")[1],
      JSON.parse(init?.body as string),
    ]);
    expect(calls).toEqual([
      ["ConfirmSignUp", { ClientId: "client-1", Username: "a@example.com", ConfirmationCode: "123456" }],
      ["ResendConfirmationCode", { ClientId: "client-1", Username: "a@example.com" }],
      ["GlobalSignOut", { AccessToken: "access-token" }],
    ]);
  });

  it("turns an answer that is not Cognito's JSON (moto's 500 page) and an unreachable endpoint into CognitoErrors", async () => {
    const html = vi.fn(async () => new Response("<!doctype html><title>500 Internal Server Error</title>", { status: 500 }));
    const down = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    });
    await expect(resendConfirmationCode(config, "a@example.com", html as unknown as typeof globalThis.fetch)).rejects.toMatchObject({
      code: "HTTP 500",
    });
    await expect(confirmSignUp(config, "a@example.com", "1", down as unknown as typeof globalThis.fetch)).rejects.toMatchObject({
      code: "NetworkError",
    });
  });
});
