import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { CodeText } from "./CodeText";
import { Toggle } from "./Toggle";

describe("Toggle", () => {
  it("is a switch that says whether it is on, named by its title or its label", () => {
    const named = renderToStaticMarkup(<Toggle on labelledBy="t-1" onChange={() => {}} />);
    expect(named).toContain('role="switch"');
    expect(named).toContain('aria-checked="true"');
    expect(named).toContain('aria-labelledby="t-1"');
    expect(named).not.toContain("aria-label=");
    const labelled = renderToStaticMarkup(<Toggle on={false} label="Synthetic shoppers" disabled onChange={() => {}} />);
    expect(labelled).toContain('aria-checked="false"');
    expect(labelled).toContain('aria-label="Synthetic shoppers"');
    expect(labelled).toContain("disabled");
  });
});

describe("CodeText", () => {
  it("shows the backticked parts as code", () => {
    expect(renderToStaticMarkup(<CodeText text="waits `added_ms` first" />)).toMatch(
      /^<span>waits <\/span><code[^>]*>added_ms<\/code><span> first<\/span>$/,
    );
  });
});
