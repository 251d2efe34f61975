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

/** A page whose console errors and uncaught exceptions are collected, to assert there are none. */
export async function openPage(browser: Browser): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
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
