import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { availableOf, launch, openPage, screenshot, signIn } from "./browser";

// One story, told in order: a shopper buys, is refused, and an admin follows the refused order.
describe("storefront", () => {
  let browser: Browser;
  let shopper: Page;
  let errors: string[] = [];
  let rejectedOrderUrl = "";

  beforeAll(async () => {
    browser = await launch();
    ({ page: shopper, errors } = await openPage(browser));
  });
  afterAll(() => browser?.close());
  afterEach(() => {
    expect(errors, "console errors").toEqual([]);
  });

  it("shows the catalog with images, prices and availability", async () => {
    await shopper.goto("/");
    const products = shopper.getByRole("list", { name: "Products" }).getByRole("listitem");
    await products.first().waitFor();
    expect(await products.count()).toBeGreaterThanOrEqual(12);
    const tea = products.filter({ hasText: "Sencha green tea" });
    expect(await tea.getByRole("img", { name: "Sencha green tea" }).isVisible()).toBe(true);
    expect(await tea.textContent()).toMatch(/\$12\.50.*\d+ available/);
    await screenshot(shopper, "01-catalog");
    await shopper.setViewportSize({ width: 390, height: 844 });
    await screenshot(shopper, "01-catalog-phone");
    await shopper.setViewportSize({ width: 1280, height: 900 });
  });

  it("lets a shopper sign in, buy two products, see the order confirmed and availability drop", async () => {
    await signIn(shopper, "shopper@example.com", "Shopper-pass-1");
    const teaBefore = await availableOf(shopper, "TEA-GREEN");
    await shopper.getByLabel("Quantity").fill("2");
    await shopper.getByRole("button", { name: "Add to cart, Sencha green tea" }).click();
    const mugBefore = await availableOf(shopper, "MUG-STONE");
    await shopper.getByRole("button", { name: "Add to cart, Stoneware mug" }).click();

    await shopper.getByRole("link", { name: /Cart/ }).click();
    expect(await shopper.getByLabel("Quantity of Sencha green tea").inputValue()).toBe("2");
    await shopper.getByRole("button", { name: "Place order" }).click();

    await shopper.getByText("Every item is reserved for you.").waitFor({ timeout: 20_000 });
    expect(await shopper.getByRole("status").filter({ hasText: "confirmed" }).count()).toBe(1);
    await screenshot(shopper, "02-order-confirmed");

    expect(await availableOf(shopper, "TEA-GREEN")).toBe(teaBefore - 2);
    expect(await availableOf(shopper, "MUG-STONE")).toBe(mugBefore - 1);
    await screenshot(shopper, "03-availability-dropped");
  });

  it("rejects a purchase that exceeds the stock, with the reason", async () => {
    const available = await availableOf(shopper, "KETTLE-GOOSE");
    await shopper.getByLabel("Quantity").fill(String(available + 1));
    await shopper.getByRole("button", { name: "Add to cart, Gooseneck kettle" }).click();
    await shopper.goto("/cart/");
    await shopper.getByText(`Only ${available} available now`).waitFor();
    await shopper.getByRole("button", { name: "Place order" }).click();

    await shopper.getByText("This order could not be filled.").waitFor({ timeout: 20_000 });
    const reason = `Reason: insufficient stock for KETTLE-GOOSE: ${available + 1} requested, ${available} available`;
    expect(await shopper.getByText(reason).isVisible()).toBe(true);
    rejectedOrderUrl = shopper.url();
    await screenshot(shopper, "04-order-rejected");
  });

  describe("an admin", () => {
    let admin: Page;
    beforeAll(async () => {
      ({ page: admin, errors } = await openPage(browser));
      await signIn(admin, "admin@example.com", "Admin-pass-1");
    });

    it("opens the rejected order's event history and steps its state", async () => {
      expect(rejectedOrderUrl, "the rejected order of the previous test").not.toBe("");
      await admin.goto(rejectedOrderUrl);
      await admin.getByRole("link", { name: "Event history" }).click();
      const events = admin.getByRole("heading", { level: 3 });
      await events.first().waitFor();
      expect(await events.allTextContents()).toEqual([
        expect.stringContaining("#1 OrderPlaced"),
        expect.stringContaining("#2 OrderRejected"),
      ]);
      expect(await admin.getByText("correlation_id").count()).toBe(2);
      await admin.getByText(/"status": "rejected"/).waitFor();
      await admin.getByRole("button", { name: "Previous event" }).click();
      await admin.getByRole("heading", { name: "State as of sequence 1 of 2" }).waitFor();
      await admin.getByText(/"status": "pending"/).waitFor();
      await screenshot(admin, "05-admin-event-history");
    });

    it("opens the rejected order's trace timeline", async () => {
      await admin.goto(rejectedOrderUrl);
      await admin.getByRole("link", { name: "Trace timeline" }).click();
      const hops = admin.getByRole("list", { name: "Hops" }).getByRole("listitem");
      const problem = admin.getByRole("main").getByRole("alert");
      await hops.first().or(problem).waitFor();
      expect(await problem.allTextContents(), "the trace route's answer").toEqual([]);
      expect(await hops.count()).toBeGreaterThanOrEqual(3);
      expect(await hops.first().textContent()).toContain("request received");
      await screenshot(admin, "06-admin-trace-timeline");
    });
  });
});
