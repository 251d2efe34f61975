import { cognitoEndpoint, type RuntimeConfig } from "@/config/config";

/** The tokens of a signed-in user: in the tab's memory, the refresh token also in its sessionStorage (tokenStore.ts). */
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
export type Operation =
  | "InitiateAuth"
  | "RespondToAuthChallenge"
  | "SignUp"
  | "ConfirmSignUp"
  | "ResendConfirmationCode"
  | "GlobalSignOut";

/**
 * A sign-in Cognito has not finished: the account was created by an admin (admin-create-user) and
 * is in FORCE_CHANGE_PASSWORD, so the temporary password only earns this challenge. `username` is
 * the one Cognito names in the challenge (a generated id on AWS, the e-mail address locally);
 * `session` ties the answer to this sign-in and expires after a few minutes (3 by default).
 */
export type NewPasswordChallenge = { username: string; session: string };

/** What a sign-in with a password gives: tokens, or the new password Cognito asks for first. */
export type SignInResult = { kind: "tokens"; tokens: Tokens } | { kind: "new-password-required"; challenge: NewPasswordChallenge };

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

/** Cognito's answer to InitiateAuth and RespondToAuthChallenge: tokens, or a further challenge. */
type AuthAnswer = {
  AuthenticationResult?: AuthResult;
  ChallengeName?: string;
  Session?: string;
  ChallengeParameters?: Record<string, string>;
};

const unsupportedChallenge = (answer: AuthAnswer) =>
  new CognitoError(answer.ChallengeName ?? "Challenge", "This account needs a step the storefront does not offer yet.");

function initiateAuth(
  config: RuntimeConfig,
  flow: "USER_PASSWORD_AUTH" | "REFRESH_TOKEN_AUTH",
  parameters: Record<string, string>,
  doFetch: typeof fetch,
): Promise<AuthAnswer> {
  return call<AuthAnswer>(config, "InitiateAuth", { AuthFlow: flow, ClientId: config.user_pool_client_id, AuthParameters: parameters }, doFetch);
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
): Promise<SignInResult> {
  const answer = await initiateAuth(config, "USER_PASSWORD_AUTH", { USERNAME: username, PASSWORD: password }, doFetch);
  if (answer.AuthenticationResult) return { kind: "tokens", tokens: tokensOf(answer.AuthenticationResult, null, Date.now()) };
  if (answer.ChallengeName === "NEW_PASSWORD_REQUIRED" && answer.Session) {
    // AWS names the user USER_ID_FOR_SRP (the pool's generated username), moto USERNAME.
    const named = answer.ChallengeParameters?.USERNAME ?? answer.ChallengeParameters?.USER_ID_FOR_SRP;
    return { kind: "new-password-required", challenge: { username: named || username, session: answer.Session } };
  }
  throw unsupportedChallenge(answer);
}

/**
 * Answers NEW_PASSWORD_REQUIRED with the password the user chose (it replaces the temporary one
 * and the account becomes CONFIRMED); the tokens are those of a normal sign-in.
 */
export async function respondToNewPasswordChallenge(
  config: RuntimeConfig,
  challenge: NewPasswordChallenge,
  newPassword: string,
  doFetch: typeof fetch = fetch,
): Promise<Tokens> {
  const answer = await call<AuthAnswer>(
    config,
    "RespondToAuthChallenge",
    {
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      ClientId: config.user_pool_client_id,
      Session: challenge.session,
      ChallengeResponses: { USERNAME: challenge.username, NEW_PASSWORD: newPassword },
    },
    doFetch,
  );
  if (answer.AuthenticationResult) return tokensOf(answer.AuthenticationResult, null, Date.now());
  // E.g. MFA_SETUP when the pool requires MFA: the password is changed already, sign-in is not.
  throw new CognitoError(
    answer.ChallengeName ?? "Challenge",
    "Your new password is saved, but this account needs a further step the storefront does not offer yet.",
  );
}

/**
 * New access and ID tokens for a refresh token (REFRESH_TOKEN_AUTH): how a tab renews them before
 * they expire and gets them back after a reload. Cognito answers without a refresh token (the
 * pool does not rotate them), so the one given is kept.
 */
export async function refresh(config: RuntimeConfig, refreshToken: string, doFetch: typeof fetch = fetch): Promise<Tokens> {
  const answer = await initiateAuth(config, "REFRESH_TOKEN_AUTH", { REFRESH_TOKEN: refreshToken }, doFetch);
  if (!answer.AuthenticationResult) throw unsupportedChallenge(answer);
  return tokensOf(answer.AuthenticationResult, refreshToken, Date.now());
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
