import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { AlarmBadge } from "./AlarmBadge";

describe("AlarmBadge", () => {
  it("colours the states it knows", () => {
    expect(renderToStaticMarkup(<AlarmBadge state="firing" />)).toContain("bg-red-100");
    expect(renderToStaticMarkup(<AlarmBadge state="ok" />)).toContain("bg-green-100");
  });

  it("shows a state it does not know as it is, on a neutral badge", () => {
    for (const state of ["insufficient_data", "constructor"]) {
      const html = renderToStaticMarkup(<AlarmBadge state={state} />);
      expect(html).toContain(`>${state}</span>`);
      expect(html).toContain("bg-stone-100");
    }
  });
});
