import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

/** The stack under test (scripts/test-storefront starts one on free ports) and where screenshots go. */
export const baseUrl = process.env.SHOP_URL ?? "http://127.0.0.1:8080";
export const artifacts = process.env.SHOP_ARTIFACTS ?? join(process.cwd(), "test-results", "e2e");

/** Debian's Chromium, never a downloaded one; flags for a closed network, run as root. */
export function launch(): Promise<Browser> {
  mkdirSync(artifacts, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * The tokens Cognito last issued to a page, read off its InitiateAuth and RespondToAuthChallenge
 * answers on the wire: the storefront keeps the access and ID tokens in the page's memory, where
 * a test (like an injected script reading storage) cannot find them. The refresh token is the
 * sign-in's: a renewal's answer carries none.
 */
export type Issued = { accessToken: string; idToken: string; refreshToken: string | null };

type Watched = { latest: Issued | null; reading: Set<Promise<void>> };
const watched = new WeakMap<Page, Watched>();

function watchTokens(page: Page) {
  const seen: Watched = { latest: null, reading: new Set() };
  watched.set(page, seen);
  page.on("response", (response) => {
    const target = response.request().headers()["x-amz-target"] ?? "";
    if (!/\.(InitiateAuth|RespondToAuthChallenge)$/.test(target) || !response.ok()) return;
    const reading: Promise<void> = response
      .json()
      .then(
        (body: { AuthenticationResult?: { AccessToken: string; IdToken: string; RefreshToken?: string } }) => {
          const result = body.AuthenticationResult;
          if (!result) return;
          seen.latest = {
            accessToken: result.AccessToken,
            idToken: result.IdToken,
            refreshToken: result.RefreshToken ?? seen.latest?.refreshToken ?? null,
          };
        },
        () => {
          // The body went with a navigation: the next answer tells.
        },
      )
      .finally(() => seen.reading.delete(reading));
    seen.reading.add(reading);
  });
}

/** What Cognito last issued to `page` (opened with openPage), once every answer seen so far is read. */
export async function issuedTokens(page: Page): Promise<Issued | null> {
  const seen = watched.get(page);
  if (!seen) throw new Error("the page was not opened with openPage: its tokens are not watched");
  await Promise.all([...seen.reading]);
  return seen.latest;
}

/** The page's refresh token, in its tab's sessionStorage: the one token the storefront writes down. */
export const keptRefreshToken = (page: Page) => page.evaluate(() => sessionStorage.getItem("shop.refresh-token"));

/**
 * Which of `issued`'s access and ID tokens a script in `page` could read from storage: where they
 * are found in `JSON.stringify(localStorage)` and `JSON.stringify(sessionStorage)`. Empty is right.
 */
export async function tokensInStorage(page: Page, issued: Issued): Promise<string[]> {
  const stored = await page.evaluate(() => ({ localStorage: JSON.stringify(localStorage), sessionStorage: JSON.stringify(sessionStorage) }));
  return (["localStorage", "sessionStorage"] as const).flatMap((storage) =>
    (["accessToken", "idToken"] as const).filter((name) => stored[storage].includes(issued[name])).map((name) => `${name} in ${storage}`),
  );
}

/** A page whose console errors and uncaught exceptions are collected, to assert there are none. */
export async function openPage(browser: Browser): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  watchTokens(page);
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return { context, page, errors };
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in/");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out", exact: true }).waitFor();
}

/** The number the product page shows under "available". */
export async function availableOf(page: Page, sku: string): Promise<number> {
  await page.goto(`/product/?sku=${sku}`);
  const value = page.locator("dt", { hasText: /^available$/ }).locator("xpath=following-sibling::dd");
  return Number(await value.textContent());
}

/**
 * Buys one `name` (the product `sku`) as the shopper signed in on `page`, as a shopper does: its
 * page, the cart, Place order; waits until the saga confirms it and returns the order's id.
 */
export async function placeOrder(page: Page, sku: string, name: string): Promise<string> {
  await page.goto(`/product/?sku=${sku}`);
  await page.getByRole("button", { name: `Add to cart, ${name}` }).click();
  await page.getByRole("link", { name: /Cart/ }).click();
  await page.getByRole("button", { name: "Place order" }).click();
  await page.getByText("Every item is reserved for you.").waitFor({ timeout: 20_000 });
  const orderId = new URL(page.url()).searchParams.get("id") ?? "";
  if (!orderId) throw new Error(`the confirmed order's page names no order id: ${page.url()}`);
  return orderId;
}

/**
 * Takes out of `errors` (keeping the array the page pushes to) what Chromium logs for an answer the
 * test expects to fail, and returns how many it took.
 */
export function expectedFailures(errors: string[], pattern: RegExp): number {
  const kept = errors.filter((e) => !pattern.test(e));
  const taken = errors.length - kept.length;
  errors.splice(0, errors.length, ...kept);
  return taken;
}
