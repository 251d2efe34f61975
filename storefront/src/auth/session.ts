"use client";

import { useCallback, useEffect, useMemo, useSyncExternalStore } from "react";
import { useConfig } from "@/config/ConfigProvider";
import type { RuntimeConfig } from "@/config/config";
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
import { CHANNEL_NAME, createTokenStore, UNKNOWN } from "./tokenStore";

/**
 * This tab's session, one for every page: access and ID tokens in memory, the refresh token in
 * sessionStorage, shared with the shop's other open tabs (tokenStore.ts).
 */
const store = createTokenStore({
  storage: () => globalThis.sessionStorage,
  legacy: () => globalThis.localStorage,
  channel: () => (typeof BroadcastChannel === "function" ? new BroadcastChannel(CHANNEL_NAME) : null),
  renew: (config, refreshToken) => refresh(config, refreshToken),
});

/**
 * The access token to send now, renewed when it is about to expire; null when signed out. After a
 * reload it waits until the refresh token has been exchanged, so the first calls go signed in.
 */
export function currentToken(config: RuntimeConfig | null): Promise<string | null> {
  return store.accessToken(config);
}

/** A sign-in with a password: signed in, or Cognito wants a new password first (the page asks for it). */
export type SignInOutcome = { kind: "signed-in"; user: User } | { kind: "new-password-required"; challenge: NewPasswordChallenge };

/** Every way of signing in ends here: the tokens are kept in this tab (and its open siblings), the user is who they name. */
function keep(tokens: Tokens): User {
  store.keep(tokens);
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
  /** undefined until this tab's session is known: read, renewed after a reload, or handed over by another tab. */
  user: User | null | undefined;
  /** A reload's refresh token is being exchanged for tokens: neither signed in nor signed out yet (the header says so). */
  restoring: boolean;
  isAdmin: boolean;
  signIn: (username: string, password: string) => Promise<SignInOutcome>;
  /** Finishes a sign-in that Cognito answered with NEW_PASSWORD_REQUIRED, with the password the user chose. */
  completeNewPassword: (challenge: NewPasswordChallenge, newPassword: string) => Promise<User>;
  /** Forgets the tokens in this browser (this tab and the shop's other open tabs); other devices stay signed in. */
  signOut: () => void;
  /**
   * Revokes the user's refresh tokens everywhere (Cognito GlobalSignOut), then signs out here.
   * Access tokens already issued stay valid at the API until they expire. Throws, and leaves
   * this browser signed in, when Cognito could not be asked.
   */
  signOutEverywhere: () => Promise<void>;
};

export function useSession(): Session {
  const configState = useConfig();
  const state = useSyncExternalStore(store.subscribe, store.get, () => UNKNOWN);
  // The tab's session is looked for once the configuration says which Cognito to ask.
  useEffect(() => {
    if (configState.status === "ready") void store.start(configState.config);
    else if (configState.status === "error") void store.start(null);
  }, [configState]);
  const user = useMemo(
    () => (state.status === "signed-in" ? userOf(state.tokens) : state.status === "signed-out" ? null : undefined),
    [state],
  );

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
  const signOut = useCallback(() => store.forget(), []);
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
    store.forget();
  }, [configState]);

  return {
    user,
    restoring: state.status === "restoring",
    isAdmin: user?.groups.includes("admin") ?? false,
    signIn,
    completeNewPassword,
    signOut,
    signOutEverywhere,
  };
}
