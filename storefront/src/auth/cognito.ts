import { cognitoEndpoint, type RuntimeConfig } from "@/config/config";

/** The tokens of a signed-in user, kept in the browser. */
export type Tokens = { accessToken: string; idToken: string; refreshToken: string | null; expiresAt: number };

export type User = { sub: string; username: string; groups: string[] };

type AuthResult = { AccessToken: string; IdToken: string; RefreshToken?: string; ExpiresIn: number };

/** Cognito's own error, e.g. NotAuthorizedException, with its message for the user. */
export class CognitoError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "CognitoError";
  }
}

async function initiateAuth(
  config: RuntimeConfig,
  flow: "USER_PASSWORD_AUTH" | "REFRESH_TOKEN_AUTH",
  parameters: Record<string, string>,
  doFetch: typeof fetch,
): Promise<AuthResult> {
  let response: Response;
  try {
    response = await doFetch(cognitoEndpoint(config), {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
      },
      body: JSON.stringify({ AuthFlow: flow, ClientId: config.user_pool_client_id, AuthParameters: parameters }),
    });
  } catch {
    throw new CognitoError("NetworkError", "The sign-in service could not be reached. Try again.");
  }
  const body = (await response.json().catch(() => ({}))) as {
    AuthenticationResult?: AuthResult;
    ChallengeName?: string;
    __type?: string;
    message?: string;
  };
  if (!response.ok) {
    const code = body.__type?.split("#").pop() ?? `HTTP ${response.status}`;
    throw new CognitoError(code, body.message ?? `Sign-in failed (${code}).`);
  }
  if (!body.AuthenticationResult) {
    throw new CognitoError(body.ChallengeName ?? "Challenge", "This account needs a step the storefront does not offer yet.");
  }
  return body.AuthenticationResult;
}

function tokensOf(result: AuthResult, refreshToken: string | null, now: number): Tokens {
  return {
    accessToken: result.AccessToken,
    idToken: result.IdToken,
    refreshToken: result.RefreshToken ?? refreshToken,
    expiresAt: now + result.ExpiresIn * 1000,
  };
}

export async function signIn(
  config: RuntimeConfig,
  username: string,
  password: string,
  doFetch: typeof fetch = fetch,
): Promise<Tokens> {
  const result = await initiateAuth(config, "USER_PASSWORD_AUTH", { USERNAME: username, PASSWORD: password }, doFetch);
  return tokensOf(result, null, Date.now());
}

export async function refresh(config: RuntimeConfig, tokens: Tokens, doFetch: typeof fetch = fetch): Promise<Tokens> {
  if (!tokens.refreshToken) throw new CognitoError("NoRefreshToken", "Your session has ended. Sign in again.");
  const result = await initiateAuth(config, "REFRESH_TOKEN_AUTH", { REFRESH_TOKEN: tokens.refreshToken }, doFetch);
  return tokensOf(result, tokens.refreshToken, Date.now());
}

/** Who the access token names. Its signature is the API's business; this is only for display. */
export function userOf(tokens: Tokens): User {
  const claims = JSON.parse(decodeBase64Url(tokens.accessToken.split(".")[1] ?? "")) as {
    sub: string;
    username?: string;
    "cognito:groups"?: string[];
  };
  return { sub: claims.sub, username: claims.username ?? claims.sub, groups: claims["cognito:groups"] ?? [] };
}

function decodeBase64Url(text: string): string {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
  return new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
}
