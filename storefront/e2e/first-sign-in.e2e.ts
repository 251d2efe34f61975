import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { call } from "./api";
import { baseUrl, issuedTokens, keptRefreshToken, launch, openPage, screenshot, signIn, tokensInStorage } from "./browser";

// A user an admin created with admin-create-user, as the deploy creates the first admin: Cognito
// answers the temporary password with NEW_PASSWORD_REQUIRED, the sign-in page asks for a password
// of the user's own (the pool's rules stated), and the answer signs the user in as usual. The user
// is created with boto3 (scripts/local_aws.py invite) against the stack's moto, which needs the
// temporary password given: on AWS Cognito generates and e-mails it, moto does neither.

const run = promisify(execFile);
const LOCAL_AWS = fileURLToPath(new URL("../../scripts/local_aws.py", import.meta.url));
/** A Python with boto3: scripts/test-storefront passes the one the stack's moto runs with. */
const PYTHON = process.env.SHOP_PYTHON ?? "python3";

const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
const INVITED = `invited-${unique()}@example.com`;
const LATE = `invited-late-${unique()}@example.com`;
// Temporary passwords as an admin would hand them out; the chosen ones meet both pools' rules
// (12 characters, both cases, a number; moto's default also wants a symbol).
const TEMPORARY = "Temporary-pass-1";
const CHOSEN = "Invited-pass-12";

type Config = { cognito_endpoint: string | null };

/** Creates `email` in FORCE_CHANGE_PASSWORD with `temporaryPassword`, as admin-create-user does. */
async function invite(email: string, temporaryPassword: string) {
  const config = (await (await fetch(new URL("/config.json", baseUrl))).json()) as Config;
  if (!config.cognito_endpoint) throw new Error("these tests create users in the local stack's moto; /config.json names no cognito_endpoint");
  const { stdout } = await run(PYTHON, [LOCAL_AWS, "invite", config.cognito_endpoint, email, temporaryPassword]).catch((e: Error) => {
    throw new Error(`scripts/local_aws.py invite failed (SHOP_PYTHON must be a Python with boto3): ${e.message}`);
  });
  expect(stdout.trim(), `${email}'s status after admin-create-user`).toBe("FORCE_CHANGE_PASSWORD");
  return new URL(config.cognito_endpoint).origin;
}

/** The first step of the sign-in page, from `url`. */
async function signInWith(page: Page, email: string, password: string, url = "/sign-in/") {
  await page.goto(url);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

describe("first sign-in of a user an admin created", () => {
  let browser: Browser;
  let page: Page;
  let errors: string[] = [];

  beforeAll(async () => {
    browser = await launch();
    ({ page, errors } = await openPage(browser));
  });
  afterAll(() => browser?.close());
  afterEach(() => {
    expect(errors, "console errors").toEqual([]);
  });

  it("asks for a new password after the temporary one, under the pool's rules, then signs the user in", async () => {
    await invite(INVITED, TEMPORARY);

    await signInWith(page, INVITED, TEMPORARY, `/sign-in/?next=${encodeURIComponent("/orders/")}`);
    await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
    await page.getByText(/^At least \d+ characters, with a lower-case letter, an upper-case letter.*no space at the start or end\.$/).waitFor();
    expect(await issuedTokens(page), "no tokens before the new password").toBeNull();
    expect(await keptRefreshToken(page), "no session before the new password").toBeNull();
    await screenshot(page, "first-sign-in-01-new-password");

    // Checked before Cognito is asked, as on the sign-up page.
    const field = page.getByLabel("New password");
    await field.fill("short");
    await page.getByRole("button", { name: "Set password and sign in", exact: true }).click();
    await page.getByRole("alert").filter({ hasText: /^It needs at least \d+ characters/ }).waitFor();
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    await screenshot(page, "first-sign-in-02-password-rules");

    await field.fill(CHOSEN);
    await page.getByRole("button", { name: "Set password and sign in", exact: true }).click();
    // Where the sign-in was headed (next), signed in, and the API takes the new tokens.
    await page.waitForURL((url) => url.pathname === "/orders/");
    await page.locator("header summary", { hasText: INVITED }).waitFor();
    await page.getByText("You have not placed an order yet.").waitFor();
    const issued = await issuedTokens(page);
    expect(issued?.accessToken, "an access token for the page").toBeTruthy();
    expect(await keptRefreshToken(page), "the challenge answer's refresh token, kept in the tab").toBe(issued?.refreshToken);
    // The access and ID tokens stay in the page's memory: no storage a script can read holds them.
    expect(await tokensInStorage(page, issued!)).toEqual([]);
    expect((await call(page, "GET", "/orders")).status).toBe(200);
    await screenshot(page, "first-sign-in-03-signed-in");
  });

  it("signs in with the chosen password from then on, without a challenge; the temporary one is refused", async () => {
    const { context, page: other, errors: otherErrors } = await openPage(browser);
    try {
      await signInWith(other, INVITED, TEMPORARY);
      await other.getByRole("alert").filter({ hasText: /Incorrect/ }).waitFor();
      await signIn(other, INVITED, CHOSEN);
      expect(await other.getByRole("heading", { name: "Choose a new password" }).count()).toBe(0);
      // Chromium logs Cognito's 400 for the temporary password; nothing else may be logged.
      expect(otherErrors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("sends the user back to the password step when the challenge's session has expired, and a new sign-in finishes", async () => {
    const cognito = await invite(LATE, TEMPORARY);
    const { context, page: late, errors: lateErrors } = await openPage(browser);
    try {
      // moto never expires a session: Cognito's answer after its 3 minutes is played instead, once.
      let expire = true;
      await late.route(
        (url) => url.origin === cognito,
        async (route) => {
          const request = route.request();
          if (expire && request.method() === "POST" && (await request.headerValue("x-amz-target"))?.endsWith(".RespondToAuthChallenge")) {
            expire = false;
            return route.fulfill({
              status: 400,
              contentType: "application/x-amz-json-1.1",
              headers: { "Access-Control-Allow-Origin": "*" },
              body: JSON.stringify({ __type: "NotAuthorizedException", message: "Invalid session for the user, session is expired." }),
            });
          }
          return route.continue();
        },
      );

      await signInWith(late, LATE, TEMPORARY);
      await late.getByLabel("New password").fill(CHOSEN);
      await late.getByRole("button", { name: "Set password and sign in", exact: true }).click();

      await late.getByRole("alert").filter({ hasText: "Choosing a new password took too long" }).waitFor();
      expect(await late.getByRole("heading", { name: "Choose a new password" }).count()).toBe(0);
      expect(await late.getByLabel("Email").inputValue(), "the address kept").toBe(LATE);
      expect(await late.getByLabel("Password", { exact: true }).inputValue()).toBe("");
      expect(await issuedTokens(late)).toBeNull();
      expect(await keptRefreshToken(late)).toBeNull();
      await screenshot(late, "first-sign-in-04-session-expired");

      // The temporary password still works (the expired answer changed nothing): a new session.
      await late.getByLabel("Password", { exact: true }).fill(TEMPORARY);
      await late.getByRole("button", { name: "Sign in", exact: true }).click();
      await late.getByLabel("New password").fill(CHOSEN);
      await late.getByRole("button", { name: "Set password and sign in", exact: true }).click();
      await late.waitForURL((url) => url.pathname === "/");
      await late.locator("header summary", { hasText: LATE }).waitFor();
      expect((await issuedTokens(late))?.accessToken).toBeTruthy();
      // Chromium logs the played 400; nothing else may be logged.
      expect(lateErrors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
