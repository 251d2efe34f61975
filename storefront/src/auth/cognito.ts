import { cognitoEndpoint, type RuntimeConfig } from "@/config/config";

/** The tokens of a signed-in user, kept in the browser. */
export type Tokens = { accessToken: string; idToken: string; refreshToken: string | null; expiresAt: number };

/**
 * Who is signed in. `username` is the access token's: the e-mail address locally, where the moto
 * pool has no username attributes, but a generated id on AWS, where the pool signs in by e-mail
 * (username_attributes). `email` comes from the ID token, for display.
 */
export type User = { sub: string; username: string; email: string | null; groups: string[] };

type AuthResult = { AccessToken: string; IdToken: string; RefreshToken?: string; ExpiresIn: number };

/** Where Cognito says it sent a code: a masked address such as `s***@e***`, and by what. */
export type CodeDelivery = { destination: string | null; medium: string | null };

/** The Cognito operations the storefront calls (the X-Amz-Target after the service name). */
export type Operation = "InitiateAuth" | "SignUp" | "ConfirmSignUp" | "ResendConfirmationCode" | "GlobalSignOut";

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

/**
 * One call of Cognito's JSON API, straight from the browser: the operations used here are public
 * (the app client has no secret) or authorised by the user's own access token in the body.
 */
async function call<T>(config: RuntimeConfig, operation: Operation, body: object, doFetch: typeof fetch): Promise<T> {
  let response: Response;
  try {
    response = await doFetch(cognitoEndpoint(config), {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": `AWSCognitoIdentityProviderService.${operation}`,
      },
      body: JSON.stringify(body),
    });
  } catch {
    throw new CognitoError("NetworkError", "The sign-in service could not be reached. Try again.");
  }
  const answer = (await response.json().catch(() => ({}))) as T & { __type?: string; message?: string };
  if (!response.ok) {
    const code = answer.__type?.split("#").pop() ?? `HTTP ${response.status}`;
    throw new CognitoError(code, answer.message ?? `${operation} failed (${code}).`);
  }
  return answer;
}

async function initiateAuth(
  config: RuntimeConfig,
  flow: "USER_PASSWORD_AUTH" | "REFRESH_TOKEN_AUTH",
  parameters: Record<string, string>,
  doFetch: typeof fetch,
): Promise<AuthResult> {
  const body = await call<{ AuthenticationResult?: AuthResult; ChallengeName?: string }>(
    config,
    "InitiateAuth",
    { AuthFlow: flow, ClientId: config.user_pool_client_id, AuthParameters: parameters },
    doFetch,
  );
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

type DeliveryDetails = { CodeDeliveryDetails?: { Destination?: string; DeliveryMedium?: string } };

const deliveryOf = (answer: DeliveryDetails): CodeDelivery => ({
  destination: answer.CodeDeliveryDetails?.Destination ?? null,
  medium: answer.CodeDeliveryDetails?.DeliveryMedium ?? null,
});

/**
 * Registers a shopper: the e-mail address is the username (the pool signs in by e-mail) and the
 * `email` attribute, which Cognito verifies by sending a code. `confirmed` is true only when the
 * pool confirms users itself (a pre-sign-up trigger); then there is no code to enter.
 */
export async function signUp(
  config: RuntimeConfig,
  email: string,
  password: string,
  doFetch: typeof fetch = fetch,
): Promise<{ confirmed: boolean; delivery: CodeDelivery }> {
  const answer = await call<DeliveryDetails & { UserConfirmed?: boolean }>(
    config,
    "SignUp",
    { ClientId: config.user_pool_client_id, Username: email, Password: password, UserAttributes: [{ Name: "email", Value: email }] },
    doFetch,
  );
  return { confirmed: answer.UserConfirmed === true, delivery: deliveryOf(answer) };
}

/** Confirms a sign-up with the code Cognito e-mailed; the user can sign in afterwards. */
export async function confirmSignUp(config: RuntimeConfig, email: string, code: string, doFetch: typeof fetch = fetch): Promise<void> {
  await call(config, "ConfirmSignUp", { ClientId: config.user_pool_client_id, Username: email, ConfirmationCode: code }, doFetch);
}

/** Asks Cognito to e-mail a new confirmation code (the previous one stops working). */
export async function resendConfirmationCode(config: RuntimeConfig, email: string, doFetch: typeof fetch = fetch): Promise<CodeDelivery> {
  return deliveryOf(await call<DeliveryDetails>(config, "ResendConfirmationCode", { ClientId: config.user_pool_client_id, Username: email }, doFetch));
}

/**
 * Revokes the user's refresh tokens on every device (no new access tokens from them) and the
 * access token for Cognito's own user operations. The shop's API verifies access tokens offline,
 * so one already issued keeps working there until it expires.
 */
export async function globalSignOut(config: RuntimeConfig, accessToken: string, doFetch: typeof fetch = fetch): Promise<void> {
  await call(config, "GlobalSignOut", { AccessToken: accessToken }, doFetch);
}

/** Who the tokens name. Their signatures are the API's business; this is only for display. */
export function userOf(tokens: Tokens): User {
  const claims = claimsOf(tokens.accessToken) as { sub: string; username?: string; "cognito:groups"?: string[] } | null;
  if (!claims) throw new Error("The stored access token is not a JWT.");
  const email = (claimsOf(tokens.idToken) as { email?: unknown } | null)?.email;
  return {
    sub: claims.sub,
    username: claims.username ?? claims.sub,
    email: typeof email === "string" ? email : null,
    groups: claims["cognito:groups"] ?? [],
  };
}

function claimsOf(jwt: string): Record<string, unknown> | null {
  try {
    return JSON.parse(decodeBase64Url(jwt.split(".")[1] ?? "")) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function decodeBase64Url(text: string): string {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
  return new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
}
