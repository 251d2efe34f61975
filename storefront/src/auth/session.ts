"use client";

import { useCallback, useMemo } from "react";
import { useConfig } from "@/config/ConfigProvider";
import type { RuntimeConfig } from "@/config/config";
import { stored, useStored } from "@/lib/stored";
import {
  CognitoError,
  globalSignOut,
  refresh,
  respondToNewPasswordChallenge,
  signIn as cognitoSignIn,
  userOf,
  type NewPasswordChallenge,
  type Tokens,
  type User,
} from "./cognito";

/** Refresh this long before the access token expires, so no call goes out with a dying token. */
const REFRESH_MARGIN_MS = 60_000;

function parseTokens(raw: unknown): Tokens | null {
  const t = raw as Partial<Tokens> | undefined;
  return t && typeof t.accessToken === "string" && typeof t.idToken === "string" && typeof t.expiresAt === "number"
    ? { accessToken: t.accessToken, idToken: t.idToken, refreshToken: t.refreshToken ?? null, expiresAt: t.expiresAt }
    : null;
}

const sessionStore = stored("shop.session", parseTokens);

let refreshing: Promise<string | null> | null = null;

/** The access token to send now, refreshed when it is about to expire; null when signed out. */
export function currentToken(config: RuntimeConfig | null): Promise<string | null> {
  const tokens = sessionStore.get();
  if (!tokens) return Promise.resolve(null);
  if (tokens.expiresAt - Date.now() > REFRESH_MARGIN_MS || !config) return Promise.resolve(tokens.accessToken);
  refreshing ??= refresh(config, tokens)
    .then((fresh) => {
      sessionStore.set(fresh);
      return fresh.accessToken;
    })
    .catch(() => {
      sessionStore.set(null);
      return null;
    })
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

/** A sign-in with a password: signed in, or Cognito wants a new password first (the page asks for it). */
export type SignInOutcome = { kind: "signed-in"; user: User } | { kind: "new-password-required"; challenge: NewPasswordChallenge };

/** Every way of signing in ends here: the tokens are kept in this browser, the user is who they name. */
function keep(tokens: Tokens): User {
  sessionStore.set(tokens);
  return userOf(tokens);
}

/** Signs in with USER_PASSWORD_AUTH; the tokens are kept unless Cognito asks for a new password. */
export async function signInWithPassword(
  config: RuntimeConfig,
  username: string,
  password: string,
  doFetch: typeof fetch = fetch,
): Promise<SignInOutcome> {
  const result = await cognitoSignIn(config, username, password, doFetch);
  return result.kind === "tokens" ? { kind: "signed-in", user: keep(result.tokens) } : result;
}

/** Answers NEW_PASSWORD_REQUIRED and keeps the tokens, as a sign-in does. */
export async function signInWithNewPassword(
  config: RuntimeConfig,
  challenge: NewPasswordChallenge,
  newPassword: string,
  doFetch: typeof fetch = fetch,
): Promise<User> {
  return keep(await respondToNewPasswordChallenge(config, challenge, newPassword, doFetch));
}

export type Session = {
  /** undefined until the browser's stored session has been read. */
  user: User | null | undefined;
  isAdmin: boolean;
  signIn: (username: string, password: string) => Promise<SignInOutcome>;
  /** Finishes a sign-in that Cognito answered with NEW_PASSWORD_REQUIRED, with the password the user chose. */
  completeNewPassword: (challenge: NewPasswordChallenge, newPassword: string) => Promise<User>;
  /** Forgets the tokens in this browser; other devices stay signed in. */
  signOut: () => void;
  /**
   * Revokes the user's refresh tokens everywhere (Cognito GlobalSignOut), then signs out here.
   * Access tokens already issued stay valid at the API until they expire. Throws, and leaves
   * this browser signed in, when Cognito could not be asked.
   */
  signOutEverywhere: () => Promise<void>;
};

const NOT_READ = Symbol("not read");

export function useSession(): Session {
  const configState = useConfig();
  const tokens = useStored(sessionStore, NOT_READ);
  const user = useMemo(() => (tokens === NOT_READ ? undefined : tokens && userOf(tokens)), [tokens]);

  const signIn = useCallback(
    async (username: string, password: string) => {
      if (configState.status !== "ready") throw new Error("Sign-in is not available: the storefront has no configuration.");
      return signInWithPassword(configState.config, username, password);
    },
    [configState],
  );
  const completeNewPassword = useCallback(
    async (challenge: NewPasswordChallenge, newPassword: string) => {
      if (configState.status !== "ready") throw new Error("Sign-in is not available: the storefront has no configuration.");
      return signInWithNewPassword(configState.config, challenge, newPassword);
    },
    [configState],
  );
  const signOut = useCallback(() => sessionStore.set(null), []);
  const signOutEverywhere = useCallback(async () => {
    if (configState.status !== "ready") throw new Error("Signing out everywhere is not available: the storefront has no configuration.");
    // A fresh token: GlobalSignOut refuses an expired one. None left means the session is over.
    const token = await currentToken(configState.config);
    if (token) {
      try {
        await globalSignOut(configState.config, token);
      } catch (e) {
        // NotAuthorized: the token was revoked already (signed out everywhere from another device).
        if (!(e instanceof CognitoError && e.code === "NotAuthorizedException")) throw e;
      }
    }
    sessionStore.set(null);
  }, [configState]);

  return { user, isAdmin: user?.groups.includes("admin") ?? false, signIn, completeNewPassword, signOut, signOutEverywhere };
}
