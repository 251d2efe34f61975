// Where this tab keeps the signed-in user's Cognito tokens, and how it gets them back after a
// reload: the access and ID tokens live in this module's memory only; the refresh token, the one
// thing that survives a reload, is kept in sessionStorage (this tab's, gone when the tab closes)
// and handed to the other open tabs of the shop over a BroadcastChannel. docs/architecture.md
// (section 8) says why. No React here: session.ts binds one store to the browser and to the pages.

import type { RuntimeConfig } from "@/config/config";
import { CognitoError, type Tokens } from "./cognito";

/** The sessionStorage key of the refresh token, the only token written anywhere. */
export const REFRESH_KEY = "shop.refresh-token";
/** Where earlier versions kept all three tokens, in localStorage: removed on load (see migrate). */
export const LEGACY_KEY = "shop.session";
/** The BroadcastChannel the tabs of this origin share their session on. */
export const CHANNEL_NAME = "shop.session";
/** Refresh this long before the access token expires, so no call goes out with a dying token. */
export const REFRESH_MARGIN_MS = 60_000;
/**
 * How long a tab that holds no refresh token waits for another tab to hand it the session before
 * it counts as signed out. Tabs answer within a few milliseconds unless one is busy; one that
 * misses this only costs the new tab a sign-in.
 */
export const ASK_TIMEOUT_MS = 150;

/**
 * - unknown: not read yet (the server's render, hydration), or asking the other tabs;
 * - restoring: a refresh token is being exchanged for access and ID tokens (after a reload);
 * - signed-in: the tokens, in memory;
 * - signed-out.
 */
export type SessionState =
  | { status: "unknown" }
  | { status: "restoring" }
  | { status: "signed-in"; tokens: Tokens }
  | { status: "signed-out" };

export const UNKNOWN: SessionState = { status: "unknown" };
const RESTORING: SessionState = { status: "restoring" };
const SIGNED_OUT: SessionState = { status: "signed-out" };

/** What the tabs say to each other on the channel. */
type Message =
  | { kind: "ask" }
  | { kind: "answer"; refreshToken: string; tokens: Tokens | null }
  | { kind: "signed-in"; tokens: Tokens }
  | { kind: "signed-out" };

type Answer = Extract<Message, { kind: "answer" }>;

/** The part of BroadcastChannel used here (tests pass their own). */
export interface Channel {
  postMessage(message: unknown): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
}

export type TokenStoreDeps = {
  /** This tab's storage for the refresh token: sessionStorage in the browser. */
  storage: () => Storage | undefined;
  /** localStorage, read only to remove the old entry. */
  legacy: () => Storage | undefined;
  /** null where BroadcastChannel does not exist: every tab then signs in on its own. */
  channel: () => Channel | null;
  /** Cognito's REFRESH_TOKEN_AUTH. */
  renew: (config: RuntimeConfig, refreshToken: string) => Promise<Tokens>;
  now?: () => number;
  askTimeoutMs?: number;
};

export type TokenStore = {
  get: () => SessionState;
  subscribe: (listener: () => void) => () => void;
  /**
   * Finds this tab's session once: this tab's refresh token renewed, or another tab's session, or
   * signed out. `config` null (no /config.json): Cognito cannot be asked, so signed out for now,
   * the refresh token kept for the next load. Later calls return the first call's promise.
   */
  start: (config: RuntimeConfig | null) => Promise<void>;
  /** The access token to send now, renewed when about to expire; null when signed out. Waits for start. */
  accessToken: (config: RuntimeConfig | null) => Promise<string | null>;
  /** A sign-in in this tab: kept here, and the other open tabs take it too. */
  keep: (tokens: Tokens) => void;
  /** Signs out this tab and the other open tabs: memory and storage emptied. */
  forget: () => void;
};

/**
 * Whether Cognito refused the refresh token: NotAuthorizedException is its answer to one that
 * expired, was revoked ("Sign out everywhere") or is unknown. Only a refusal throws the token
 * away. Anything else (no answer, a 5xx, throttling, an answer cut off because the page is being
 * left) keeps it: a reload while the network is down leaves the user signed out for now, not for
 * good, and a page left mid-renewal does not take the tab's token from the page that follows.
 */
function refused(error: unknown): boolean {
  return error instanceof CognitoError && (error.code === "NotAuthorizedException" || error.code === "UserNotFoundException");
}

function isTokens(value: unknown): value is Tokens {
  const t = value as Partial<Tokens> | null;
  return (
    typeof t === "object" &&
    t !== null &&
    typeof t.accessToken === "string" &&
    typeof t.idToken === "string" &&
    typeof t.expiresAt === "number" &&
    (typeof t.refreshToken === "string" || t.refreshToken === null)
  );
}

function parseMessage(data: unknown): Message | null {
  if (typeof data !== "object" || data === null) return null;
  const m = data as { kind?: unknown; refreshToken?: unknown; tokens?: unknown };
  if (m.kind === "ask" || m.kind === "signed-out") return { kind: m.kind };
  if (m.kind === "signed-in") return isTokens(m.tokens) ? { kind: "signed-in", tokens: m.tokens } : null;
  if (m.kind === "answer" && typeof m.refreshToken === "string" && m.refreshToken && (m.tokens === null || isTokens(m.tokens))) {
    return { kind: "answer", refreshToken: m.refreshToken, tokens: m.tokens };
  }
  return null;
}

export function createTokenStore(deps: TokenStoreDeps): TokenStore {
  const now = deps.now ?? Date.now;
  const askTimeoutMs = deps.askTimeoutMs ?? ASK_TIMEOUT_MS;
  const listeners = new Set<() => void>();
  let state: SessionState = UNKNOWN;
  let initialised = false;
  let channel: Channel | null = null;
  /** Bumped by every sign-in, sign-out and session taken from another tab: an answer to an older question is dropped. */
  let generation = 0;
  let loading: Promise<void> | null = null;
  let loaded!: () => void;
  const settled = new Promise<void>((resolve) => (loaded = resolve));
  let answered: ((answer: Answer) => void) | null = null;
  let refreshing: Promise<string | null> | null = null;

  const set = (next: SessionState) => {
    state = next;
    listeners.forEach((listener) => listener());
  };

  // Storage can be switched off or full: the session then lives in this page's memory only.
  const readRefresh = (): string | null => {
    try {
      return deps.storage()?.getItem(REFRESH_KEY) || null;
    } catch {
      return null;
    }
  };
  const writeRefresh = (refreshToken: string | null) => {
    try {
      const storage = deps.storage();
      if (refreshToken) storage?.setItem(REFRESH_KEY, refreshToken);
      else storage?.removeItem(REFRESH_KEY);
    } catch {
      // Not kept: a reload signs out.
    }
  };

  /**
   * Earlier versions kept `{accessToken, idToken, refreshToken, expiresAt}` in localStorage, on
   * disk beyond the tab. The entry is removed whenever it is found (an old tab still open may
   * write it again); its refresh token moves to this tab's storage, so the user stays signed in,
   * and the access and ID tokens are dropped: the load renews them.
   */
  function migrate() {
    let raw: string | null;
    try {
      const legacy = deps.legacy();
      raw = legacy?.getItem(LEGACY_KEY) ?? null;
      if (raw !== null) legacy?.removeItem(LEGACY_KEY);
    } catch {
      return;
    }
    if (raw === null) return;
    let old: { refreshToken?: unknown } | null = null;
    try {
      old = JSON.parse(raw) as { refreshToken?: unknown } | null;
    } catch {
      // Garbage: removed, nothing to carry over.
    }
    if (typeof old?.refreshToken === "string" && old.refreshToken && !readRefresh()) writeRefresh(old.refreshToken);
  }

  function init() {
    if (initialised) return;
    initialised = true;
    migrate();
    try {
      channel = deps.channel();
      channel?.addEventListener("message", (event) => receive(parseMessage(event.data)));
    } catch {
      channel = null;
    }
    if (readRefresh()) set(RESTORING);
  }

  const post = (message: Message) => {
    try {
      channel?.postMessage(message);
    } catch {
      // The other tabs learn of it at their next renewal.
    }
  };

  /** Tokens for this tab: from a sign-in here or in another tab, or a renewal. */
  function adopt(tokens: Tokens) {
    generation += 1;
    writeRefresh(tokens.refreshToken);
    set({ status: "signed-in", tokens });
  }

  function clear() {
    generation += 1;
    writeRefresh(null);
    set(SIGNED_OUT);
  }

  function receive(message: Message | null) {
    switch (message?.kind) {
      case "ask": {
        // Whatever this tab holds: its tokens, or the refresh token it is still renewing.
        const tokens = state.status === "signed-in" ? state.tokens : null;
        const refreshToken = tokens?.refreshToken ?? readRefresh();
        if (refreshToken) post({ kind: "answer", refreshToken, tokens });
        return;
      }
      case "answer":
        answered?.(message);
        return;
      case "signed-in":
        adopt(message.tokens);
        return;
      case "signed-out":
        clear();
        return;
    }
  }

  /** The first other tab's answer, or null when none comes in time. */
  function ask(): Promise<Answer | null> {
    const open = channel;
    if (!open) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        answered = null;
        resolve(null);
      }, askTimeoutMs);
      answered = (answer) => {
        clearTimeout(timer);
        answered = null;
        resolve(answer);
      };
      post({ kind: "ask" });
    });
  }

  async function load(config: RuntimeConfig | null) {
    // A sign-in or sign-out (here or in another tab) before the load began has decided already.
    if (state.status === "signed-in" || state.status === "signed-out") return;
    const began = generation;
    let refreshToken = readRefresh();
    if (!refreshToken) {
      const answer = await ask();
      if (generation !== began) return;
      if (!answer) return set(SIGNED_OUT);
      // Its tokens as they are: accessToken renews them when they are about to expire.
      if (answer.tokens) return adopt(answer.tokens);
      refreshToken = answer.refreshToken;
      writeRefresh(refreshToken);
      set(RESTORING);
    }
    if (!config) return set(SIGNED_OUT);
    try {
      const tokens = await deps.renew(config, refreshToken);
      if (generation === began) adopt(tokens);
    } catch (error) {
      if (generation !== began) return;
      if (refused(error)) clear();
      else set(SIGNED_OUT);
    }
  }

  async function renewNow(config: RuntimeConfig, tokens: Tokens & { refreshToken: string }): Promise<string | null> {
    const began = generation;
    try {
      const fresh = await deps.renew(config, tokens.refreshToken);
      if (generation !== began) return state.status === "signed-in" ? state.tokens.accessToken : null;
      adopt(fresh);
      return fresh.accessToken;
    } catch (error) {
      if (generation !== began) return state.status === "signed-in" ? state.tokens.accessToken : null;
      if (refused(error)) {
        clear();
        return null;
      }
      // Cognito did not answer: this call goes with what is left, the next one tries again.
      return tokens.expiresAt > now() ? tokens.accessToken : null;
    }
  }

  const start = (config: RuntimeConfig | null) => {
    init();
    loading ??= load(config).finally(loaded);
    return loading;
  };

  return {
    get: () => state,
    subscribe(listener) {
      init();
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start,
    async accessToken(config) {
      init();
      if (config) void start(config);
      // Only the load can tell; a sign-in meanwhile decides at once.
      if (state.status === "unknown" || state.status === "restoring") await settled;
      const current = state;
      if (current.status !== "signed-in") return null;
      const tokens = current.tokens;
      if (tokens.expiresAt - now() > REFRESH_MARGIN_MS || !config || !tokens.refreshToken) return tokens.accessToken;
      refreshing ??= renewNow(config, { ...tokens, refreshToken: tokens.refreshToken }).finally(() => {
        refreshing = null;
      });
      return refreshing;
    },
    keep(tokens) {
      init();
      adopt(tokens);
      post({ kind: "signed-in", tokens });
    },
    forget() {
      init();
      clear();
      post({ kind: "signed-out" });
    },
  };
}
