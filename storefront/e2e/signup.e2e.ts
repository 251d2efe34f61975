import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, launch, openPage, screenshot } from "./browser";

// A new shopper, unknown to the pool when the run starts, signs up, confirms, is signed in, buys,
// and signs out everywhere. Against the local stack: moto sends no e-mail and accepts any code,
// which the confirmation step says. The password meets both pools' rules (12 characters, both
// cases, a number; moto's default also wants a symbol).

const EMAIL = `signup-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
const PASSWORD = "Signup-pass-12";

type Session = { accessToken: string; refreshToken: string | null };
type Config = { user_pool_client_id: string; cognito_endpoint: string | null; region: string };

/** The storefront's stored session, as its pages keep it. */
const sessionOf = (page: Page) =>
  page.evaluate(() => JSON.parse(localStorage.getItem("shop.session") ?? "null") as Session | null);

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
    await shopper.locator("header summary", { hasText: EMAIL }).waitFor();
    await shopper.getByRole("list", { name: "Products" }).waitFor();
    const session = await sessionOf(shopper);
    expect(session?.accessToken, "an access token in the browser").toBeTruthy();
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

  it("signs out everywhere: the refresh token is revoked, the access token lives until it expires", async () => {
    const before = await sessionOf(shopper);
    expect(before?.refreshToken, "a refresh token to revoke").toBeTruthy();

    await shopper.locator("header summary", { hasText: EMAIL }).click();
    await shopper.getByRole("button", { name: "Sign out everywhere" }).click();
    await shopper.getByRole("banner").getByRole("link", { name: "Sign in", exact: true }).waitFor();
    expect(await shopper.locator("header summary").count()).toBe(0);
    expect(await sessionOf(shopper)).toBeNull();
    await screenshot(shopper, "signup-06-signed-out-everywhere");

    // Asked from here, not the page, so Chromium logs no 400: Cognito no longer renews the session.
    const config = (await (await fetch(new URL("/config.json", baseUrl))).json()) as Config;
    const endpoint = config.cognito_endpoint ?? `https://cognito-idp.${config.region}.amazonaws.com/`;
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
