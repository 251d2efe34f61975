import { describe, expect, it, vi } from "vitest";
import type { RuntimeConfig } from "@/config/config";
import { CognitoError, confirmSignUp, globalSignOut, resendConfirmationCode, signIn, signUp, userOf } from "./cognito";

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
    const tokens = await signIn(config, "admin@example.com", "pw", fetch as unknown as typeof globalThis.fetch);

    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe("https://cognito-idp.eu-west-1.amazonaws.com/");
    expect(new Headers(init?.headers).get("x-amz-target")).toBe("AWSCognitoIdentityProviderService.InitiateAuth");
    expect(JSON.parse(init?.body as string)).toEqual({
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: "client-1",
      AuthParameters: { USERNAME: "admin@example.com", PASSWORD: "pw" },
    });
    expect(tokens.refreshToken).toBe("r");
    expect(userOf(tokens)).toEqual({ sub: "u-1", username: "admin@example.com", email: null, groups: ["admin"] });
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
