// The tab's token store: what is written where (only the refresh token, only in sessionStorage),
// a reload's renewal, sign-out in every tab, the old localStorage entry migrated away, and a new
// tab handed the session of an open one. Storage, channel and Cognito are fakes recording all.

import { describe, expect, it, vi } from "vitest";
import type { RuntimeConfig } from "@/config/config";
import { CognitoError, type Tokens } from "./cognito";
import { createTokenStore, LEGACY_KEY, REFRESH_KEY, type Channel, type SessionState } from "./tokenStore";

const config: RuntimeConfig = {
  region: "us-east-1",
  user_pool_id: "us-east-1_pool",
  user_pool_client_id: "client-1",
  cognito_endpoint: "http://127.0.0.1:4566",
};

const jwt = (claims: object) => `h.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.sig-${JSON.stringify(claims).length}`;
const NOW = 1_700_000_000_000;

function tokens(n: number, refreshToken: string | null = "refresh-1"): Tokens {
  return {
    accessToken: jwt({ sub: "u-1", username: "a@example.com", token_use: "access", n }),
    idToken: jwt({ sub: "u-1", email: "a@example.com", token_use: "id", n }),
    refreshToken,
    expiresAt: NOW + 3600_000,
  };
}

/** A Storage that records every value ever written to it. */
function recordingStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  const written: string[] = [];
  const storage = {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => {
      written.push(`${k}=${v}`);
      data.set(k, v);
    },
    removeItem: (k: string) => void data.delete(k),
  } as Storage;
  return { storage, written, entries: () => Object.fromEntries(data) };
}

/** The BroadcastChannel of one origin: a message reaches every other tab's channel, a moment later. */
function origin() {
  const channels = new Set<{ listeners: ((event: MessageEvent) => void)[] }>();
  return () => {
    const self = { listeners: [] as ((event: MessageEvent) => void)[] };
    channels.add(self);
    const channel: Channel = {
      postMessage(message) {
        const copy = structuredClone(message);
        for (const other of channels) {
          if (other !== self) queueMicrotask(() => other.listeners.forEach((l) => l({ data: copy } as MessageEvent)));
        }
      },
      addEventListener: (_type, listener) => void self.listeners.push(listener),
    };
    return channel;
  };
}

/** One tab: its own sessionStorage, the browser's localStorage, the origin's channel, a Cognito that renews. */
function tab({
  session = recordingStorage(),
  local = recordingStorage(),
  channel = origin(),
  renew = vi.fn(async (_config: RuntimeConfig, refreshToken: string) => tokens(2, refreshToken)),
}: {
  session?: ReturnType<typeof recordingStorage>;
  local?: ReturnType<typeof recordingStorage>;
  channel?: () => Channel;
  renew?: (config: RuntimeConfig, refreshToken: string) => Promise<Tokens>;
} = {}) {
  const store = createTokenStore({
    storage: () => session.storage,
    legacy: () => local.storage,
    channel,
    renew,
    now: () => NOW,
    askTimeoutMs: 30,
  });
  const seen: SessionState["status"][] = [];
  store.subscribe(() => seen.push(store.get().status));
  return { store, session, local, renew, seen };
}

/** Every value written to either storage, and what each holds now, as one text to search. */
const everything = (...storages: ReturnType<typeof recordingStorage>[]) =>
  JSON.stringify(storages.map((s) => [s.written, s.entries()]));

describe("token store", () => {
  it("keeps the access and ID tokens in memory only: storage only ever holds the refresh token", async () => {
    const { store, session, local } = tab();
    const signedIn = tokens(1);
    store.keep(signedIn);

    expect(store.get()).toEqual({ status: "signed-in", tokens: signedIn });
    expect(await store.accessToken(config)).toBe(signedIn.accessToken);
    expect(session.entries()).toEqual({ [REFRESH_KEY]: "refresh-1" });
    expect(local.entries()).toEqual({});
    const text = everything(session, local);
    expect(text).not.toContain(signedIn.accessToken);
    expect(text).not.toContain(signedIn.idToken);
  });

  it("after a reload renews the access and ID tokens from the refresh token, restoring meanwhile", async () => {
    const session = recordingStorage({ [REFRESH_KEY]: "refresh-1" });
    let answer!: (t: Tokens) => void;
    const renew = vi.fn<(config: RuntimeConfig, refreshToken: string) => Promise<Tokens>>(() => new Promise((resolve) => (answer = resolve)));
    const reloaded = tab({ session, renew });

    expect(reloaded.store.get().status, "known to be signing in before any call").toBe("restoring");
    void reloaded.store.start(config);
    const token = reloaded.store.accessToken(config);
    await Promise.resolve();
    expect(reloaded.store.get().status).toBe("restoring");
    expect(renew).toHaveBeenCalledWith(config, "refresh-1");

    const renewed = tokens(2);
    answer(renewed);
    expect(await token, "a call made while restoring goes with the renewed token").toBe(renewed.accessToken);
    expect(reloaded.store.get()).toEqual({ status: "signed-in", tokens: renewed });
    expect(reloaded.seen, "never signed out on the way").not.toContain("signed-out");
    expect(everything(session, reloaded.local)).not.toContain(renewed.accessToken);
    expect(everything(session, reloaded.local)).not.toContain(renewed.idToken);
  });

  it("throws a refused refresh token away, and keeps it when Cognito could not be reached or its answer not read", async () => {
    const revoked = tab({
      session: recordingStorage({ [REFRESH_KEY]: "revoked" }),
      renew: async () => {
        throw new CognitoError("NotAuthorizedException", "Refresh Token has been revoked");
      },
    });
    await revoked.store.start(config);
    expect(revoked.store.get().status).toBe("signed-out");
    expect(revoked.session.entries()).toEqual({});

    const offline = tab({
      session: recordingStorage({ [REFRESH_KEY]: "refresh-1" }),
      renew: async () => {
        throw new CognitoError("NetworkError", "The sign-in service could not be reached. Try again.");
      },
    });
    await offline.store.start(config);
    expect(offline.store.get().status).toBe("signed-out");
    expect(offline.session.entries(), "the next reload tries again").toEqual({ [REFRESH_KEY]: "refresh-1" });
    expect(await offline.store.accessToken(config)).toBeNull();

    // A page left while its renewal is under way reads no answer (cognito.ts sees no tokens in
    // it): the page that follows in the tab still needs the refresh token.
    const left = tab({
      session: recordingStorage({ [REFRESH_KEY]: "refresh-1" }),
      renew: async () => {
        throw new CognitoError("Challenge", "This account needs a step the storefront does not offer yet.");
      },
    });
    await left.store.start(config);
    expect(left.session.entries()).toEqual({ [REFRESH_KEY]: "refresh-1" });
  });

  it("renews an access token about to expire once for calls made together, and signs out when the renewal is refused", async () => {
    let refuse = false;
    const renew = vi.fn(async (_c: RuntimeConfig, refreshToken: string) => {
      if (refuse) throw new CognitoError("NotAuthorizedException", "Refresh Token has been revoked");
      return tokens(3, refreshToken);
    });
    const { store, session } = tab({ renew });
    store.keep({ ...tokens(1), expiresAt: NOW + 30_000 });
    const [a, b] = await Promise.all([store.accessToken(config), store.accessToken(config)]);
    expect(renew).toHaveBeenCalledTimes(1);
    expect([a, b]).toEqual([tokens(3).accessToken, tokens(3).accessToken]);

    store.keep({ ...tokens(1), expiresAt: NOW + 30_000 });
    refuse = true;
    expect(await store.accessToken(config)).toBeNull();
    expect(store.get().status).toBe("signed-out");
    expect(session.entries()).toEqual({});
  });

  it("signs out: memory and storage emptied, in this tab and in the other open tabs", async () => {
    const channel = origin();
    const a = tab({ channel });
    const b = tab({ channel });
    await b.store.start(config);
    a.store.keep(tokens(1));
    await vi.waitFor(() => expect(b.store.get().status, "a sign-in in one tab signs the others in").toBe("signed-in"));
    expect(b.session.entries()).toEqual({ [REFRESH_KEY]: "refresh-1" });

    b.store.forget();
    expect(b.store.get().status).toBe("signed-out");
    expect(await b.store.accessToken(config)).toBeNull();
    expect(b.session.entries()).toEqual({});
    await vi.waitFor(() => expect(a.store.get().status).toBe("signed-out"));
    expect(a.session.entries()).toEqual({});
    expect(await a.store.accessToken(config)).toBeNull();
  });

  it("migrates the old localStorage entry away on load: its refresh token kept for this tab, its access and ID tokens gone", async () => {
    const old = tokens(0, "old-refresh");
    const local = recordingStorage({ [LEGACY_KEY]: JSON.stringify(old), "shop.cart": '{"lines":[]}' });
    const { store, session, renew } = tab({ local });

    expect(store.get().status).toBe("restoring");
    expect(local.entries(), "only the old session entry is removed").toEqual({ "shop.cart": '{"lines":[]}' });
    expect(session.entries()).toEqual({ [REFRESH_KEY]: "old-refresh" });
    await store.start(config);
    expect(renew).toHaveBeenCalledWith(config, "old-refresh");
    expect(store.get()).toEqual({ status: "signed-in", tokens: tokens(2, "old-refresh") });
    expect(everything(session)).not.toContain(old.accessToken);
    expect(everything(session)).not.toContain(old.idToken);

    const garbage = tab({ local: recordingStorage({ [LEGACY_KEY]: "{not json" }) });
    expect(garbage.local.entries()).toEqual({});
    await garbage.store.start(config);
    expect(garbage.store.get().status).toBe("signed-out");
  });

  it("hands a new tab the session of an open one, and counts a tab alone as signed out", async () => {
    const channel = origin();
    const open = tab({ channel });
    open.store.keep(tokens(1));

    const opened = tab({ channel });
    expect(opened.store.get().status).toBe("unknown");
    await opened.store.start(config);
    expect(opened.store.get()).toEqual({ status: "signed-in", tokens: tokens(1) });
    expect(opened.renew, "the open tab's tokens, not a renewal").not.toHaveBeenCalled();
    expect(opened.session.entries()).toEqual({ [REFRESH_KEY]: "refresh-1" });
    expect(everything(opened.session, opened.local)).not.toContain(tokens(1).accessToken);

    const alone = tab();
    await alone.store.start(config);
    expect(alone.store.get().status).toBe("signed-out");
    expect(alone.seen).not.toContain("signed-in");
  });

  it("lets a sign-in made while the load is still asking win over the load's answer", async () => {
    let answer!: (t: Tokens) => void;
    const renew = vi.fn<(config: RuntimeConfig, refreshToken: string) => Promise<Tokens>>(() => new Promise((resolve) => (answer = resolve)));
    const { store } = tab({ session: recordingStorage({ [REFRESH_KEY]: "stale" }), renew });
    const loaded = store.start(config);
    const signedIn = tokens(5, "fresh");
    store.keep(signedIn);
    answer(tokens(2, "stale"));
    await loaded;
    expect(store.get()).toEqual({ status: "signed-in", tokens: signedIn });
  });
});
