import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { WhatThisShows } from "./WhatThisShows";

describe("WhatThisShows", () => {
  it("is a closed section under its summary, with the page's terms and its lessons cited, code marked", () => {
    const html = renderToStaticMarkup(<WhatThisShows page="alarms" />);
    expect(html).toMatch(/^<details [^>]*><summary[^>]*>What this shows<\/summary>/);
    expect(html).not.toMatch(/<details[^>]* open/);
    expect(html).toContain('<dt class="font-semibold text-stone-900">Burn rate</dt>');
    expect(html).toContain("<cite");
    expect(html).toContain("docs/learn.md § 2 “A failing send: </span><code");
    expect(html).toContain(">sqs_send_failure</code>");
    expect(html).not.toContain("`");
  });
});
