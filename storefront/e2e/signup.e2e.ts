import type { Browser, Page, Route } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, issuedTokens, keptRefreshToken, launch, openPage, screenshot, signIn, tokensInStorage } from "./browser";

// A new shopper, unknown to the pool when the run starts, signs up, confirms, is signed in, buys,
// stays signed in across a reload and in a second tab (the access and ID tokens in memory only),
// and signs out everywhere. Against the local stack: moto sends no e-mail and accepts any code,
// which the confirmation step says. The password meets both pools' rules (12 characters, both
// cases, a number; moto's default also wants a symbol).

const EMAIL = `signup-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
const PASSWORD = "Signup-pass-12";

type Config = { user_pool_client_id: string; cognito_endpoint: string | null; region: string };

async function cognitoEndpoint(): Promise<{ config: Config; endpoint: string }> {
  const config = (await (await fetch(new URL("/config.json", baseUrl))).json()) as Config;
  return { config, endpoint: config.cognito_endpoint ?? `https://cognito-idp.${config.region}.amazonaws.com/` };
}

/** The header of `page` once it shows `email` signed in. */
const signedInAs = (page: Page, email: string) => page.locator("header summary", { hasText: email }).waitFor();
const signInLink = (page: Page) => page.getByRole("banner").getByRole("link", { name: "Sign in", exact: true });

describe("sign-up", () => {
  let browser: Browser;
  let shopper: Page;
  let errors: string[] = [];
  let orderId = "";

  beforeAll(async () => {
    browser = await launch();
    ({ page: shopper, errors } = await openPage(browser));
  });
  afterAll(() => browser?.close());
  afterEach(() => {
    expect(errors, "console errors").toEqual([]);
  });

  it("states the password rules and checks them before asking Cognito", async () => {
    await shopper.goto("/sign-in/");
    await shopper.getByRole("link", { name: "Create an account" }).click();
    await shopper.waitForURL(/\/sign-up\/$/);
    await shopper.getByText(/^At least \d+ characters, with a lower-case letter, an upper-case letter.*no space at the start or end\.$/).waitFor();

    await shopper.getByLabel("Email").fill(EMAIL);
    await shopper.getByLabel("Password").fill("short");
    await shopper.getByRole("button", { name: "Create account" }).click();
    const problem = shopper.getByRole("alert").filter({ hasText: /^It needs at least \d+ characters/ });
    await problem.waitFor();
    expect(await shopper.getByLabel("Password").getAttribute("aria-invalid")).toBe("true");
    await screenshot(shopper, "signup-01-password-rules");
  });

  it("signs a new shopper up, takes the code and signs them in", async () => {
    await shopper.getByLabel("Password").fill(PASSWORD);
    await shopper.getByRole("button", { name: "Create account" }).click();

    const code = shopper.getByLabel("Confirmation code");
    await code.waitFor();
    await shopper.getByText("Local stack: moto sends no e-mail and accepts any code.", { exact: false }).waitFor();
    // moto has no ResendConfirmationCode: locally the button says so instead of calling it.
    await shopper.getByRole("button", { name: "Resend code" }).click();
    await shopper.getByRole("status").filter({ hasText: "cannot resend a code" }).waitFor();
    await screenshot(shopper, "signup-02-confirmation-code");

    await code.fill("123456");
    await shopper.getByRole("button", { name: "Confirm", exact: true }).click();
    await shopper.waitForURL((url) => url.pathname === "/");
    await signedInAs(shopper, EMAIL);
    await shopper.getByRole("list", { name: "Products" }).waitFor();
    const issued = await issuedTokens(shopper);
    expect(issued?.accessToken, "an access token for the page").toBeTruthy();
    expect(await keptRefreshToken(shopper), "the refresh token, kept in the tab").toBe(issued?.refreshToken);
    // The access and ID tokens stay in the page's memory: no storage a script can read holds them.
    expect(await tokensInStorage(shopper, issued!)).toEqual([]);
    await screenshot(shopper, "signup-03-signed-in");
  });

  it("refuses the same address a second time, next to the e-mail field", async () => {
    const { context, page, errors: otherErrors } = await openPage(browser);
    try {
      await page.goto("/sign-up/");
      await page.getByLabel("Email").fill(EMAIL);
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Create account" }).click();
      await page.getByRole("alert").filter({ hasText: "An account with this e-mail address already exists." }).waitFor();
      expect(await page.getByLabel("Email").getAttribute("aria-invalid")).toBe("true");
      await screenshot(page, "signup-04-address-taken");
      // Chromium logs Cognito's 400 answer; nothing else may be logged.
      expect(otherErrors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("lets the new shopper buy and see the order confirmed", async () => {
    await shopper.goto("/product/?sku=TEA-BLACK");
    await shopper.getByRole("button", { name: "Add to cart, Assam black tea" }).click();
    await shopper.getByRole("link", { name: /Cart/ }).click();
    await shopper.getByRole("button", { name: "Place order" }).click();

    await shopper.getByText("Every item is reserved for you.").waitFor({ timeout: 20_000 });
    expect(await shopper.getByRole("status").filter({ hasText: "confirmed" }).count()).toBe(1);
    orderId = new URL(shopper.url()).searchParams.get("id") ?? "";
    expect(orderId).not.toBe("");
    await screenshot(shopper, "signup-05-order-confirmed");
  });

  it("stays signed in across a reload, renewing the tokens first, and in a second tab; keeps no access or ID token in storage", async () => {
    const { endpoint } = await cognitoEndpoint();
    const cognito = (url: URL) => url.origin === new URL(endpoint).origin;
    // Cognito's answer held back, to see the page between the reload and the renewal.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const hold = async (route: Route) => {
      await held;
      await route.continue();
    };
    await shopper.route(cognito, hold);
    try {
      await shopper.reload();
      await shopper.getByRole("banner").getByRole("status").filter({ hasText: "Signing you in…" }).waitFor();
      expect(await signInLink(shopper).count(), "not shown as signed out while the tokens are renewed").toBe(0);
      await screenshot(shopper, "signup-06-signing-in-after-reload");
      release();
      await signedInAs(shopper, EMAIL);
    } finally {
      release();
      await shopper.unroute(cognito, hold);
    }
    const renewed = await issuedTokens(shopper);
    expect(await tokensInStorage(shopper, renewed!), "the renewed tokens, in memory only").toEqual([]);
    // The renewed token opens the shopper's own orders.
    await shopper.getByRole("banner").getByRole("link", { name: "My orders" }).click();
    await shopper.getByRole("link", { name: `Order ${orderId.slice(0, 8)}` }).waitFor();

    // A second tab, opened while this one is open, is handed the session; its storage holds no token either.
    const second = await shopper.context().newPage();
    try {
      await second.goto("/orders/");
      await signedInAs(second, EMAIL);
      await second.getByRole("link", { name: `Order ${orderId.slice(0, 8)}` }).waitFor();
      expect(await tokensInStorage(second, renewed!)).toEqual([]);
      await screenshot(second, "signup-07-second-tab");
    } finally {
      await second.close();
    }
  });

  it("keeps nothing once its last tab is closed: a new tab is signed out", async () => {
    const { context, page, errors: otherErrors } = await openPage(browser);
    try {
      await signIn(page, EMAIL, PASSWORD);
      const refreshToken = await keptRefreshToken(page);
      expect(refreshToken).toBeTruthy();
      await page.close();
      const later = await context.newPage();
      await later.goto("/");
      await signInLink(later).waitFor();
      expect(await keptRefreshToken(later)).toBeNull();
      const stored = await later.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage));
      expect(stored).not.toContain(refreshToken);
      expect(otherErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("signs out everywhere: the refresh token is revoked, the access token lives until it expires", async () => {
    const before = await issuedTokens(shopper);
    expect(before?.refreshToken, "a refresh token to revoke").toBeTruthy();
    expect(await keptRefreshToken(shopper)).toBe(before?.refreshToken);

    await shopper.locator("header summary", { hasText: EMAIL }).click();
    await shopper.getByRole("button", { name: "Sign out everywhere" }).click();
    await signInLink(shopper).waitFor();
    expect(await shopper.locator("header summary").count()).toBe(0);
    expect(await keptRefreshToken(shopper)).toBeNull();
    await screenshot(shopper, "signup-08-signed-out-everywhere");

    // Asked from here, not the page, so Chromium logs no 400: Cognito no longer renews the session.
    const { config, endpoint } = await cognitoEndpoint();
    const renewal = await fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth" },
      body: JSON.stringify({
        AuthFlow: "REFRESH_TOKEN_AUTH",
        ClientId: config.user_pool_client_id,
        AuthParameters: { REFRESH_TOKEN: before!.refreshToken },
      }),
    });
    expect(renewal.status, "refreshing with the revoked token").toBe(400);
    expect(((await renewal.json()) as { __type?: string }).__type).toMatch(/NotAuthorizedException$/);

    // The API verifies tokens offline (handlers/src/auth.rs), so the access token issued before
    // still opens the shopper's orders until it expires (docs/deploy.md says so).
    const orders = await fetch(new URL("/api/orders", baseUrl), { headers: { Authorization: `Bearer ${before!.accessToken}` } });
    expect(orders.status).toBe(200);
    const { items } = (await orders.json()) as { items: { order_id: string }[] };
    expect(items.map((o) => o.order_id)).toContain(orderId);
  });
});
