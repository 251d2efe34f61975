import { describe, expect, it, vi } from "vitest";
import type { RuntimeConfig } from "@/config/config";
import { CognitoError, signIn, userOf } from "./cognito";

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
    expect(userOf(tokens)).toEqual({ sub: "u-1", username: "admin@example.com", groups: ["admin"] });
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
});
