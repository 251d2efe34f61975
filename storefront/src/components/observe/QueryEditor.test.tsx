import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { FilterExpressionField } from "./FilterExpressionField";
import { QueryEditor } from "./QueryEditor";

const noop = () => {};

describe("QueryEditor", () => {
  it("is a labelled monospace box; a query the server could not read is said under it, as an alert", () => {
    const html = renderToStaticMarkup(
      <QueryEditor
        label="Logs Insights query"
        value="fields @message, | sort"
        onChange={noop}
        onRun={noop}
        error={{ message: "at character 18: expected a field name, found `|`", character: 18 }}
        maxLength={10000}
        help="Ctrl+Enter runs the query."
      />,
    );
    expect(html).toMatch(/<label for="([^"]+)"[^>]*>Logs Insights query<\/label><textarea[^>]*id="\1"/);
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain("font-mono");
    expect(html).toContain('maxLength="10000"');
    expect(html).toMatch(/role="alert"[^>]*>at character 18: expected a field name, found `\|`<\/p>/);
  });

  it("says nothing of errors while there is none", () => {
    const html = renderToStaticMarkup(
      <QueryEditor label="Query" value="fields @message" onChange={noop} onRun={noop} error={null} maxLength={10000} />,
    );
    expect(html).not.toContain("aria-invalid");
    expect(html).not.toContain('role="alert"');
  });
});

describe("FilterExpressionField", () => {
  it("offers X-Ray's examples and says where a filter went wrong", () => {
    const html = renderToStaticMarkup(
      <FilterExpressionField value="service(" onChange={noop} error={{ message: "at character 9: expected a string, found the end of the text", character: 9 }} />,
    );
    expect(html).toContain("X-Ray filter expression");
    expect(html).toContain('name="filter"');
    expect(html).toContain('maxLength="2000"');
    expect(html).toContain('placeholder="service(&quot;order&quot;) { fault }"');
    for (const example of ["annotation.order_id = &quot;…&quot;", "responsetime &gt; 1", "http.status = 500"]) expect(html).toContain(example);
    expect(html).toContain('role="alert"');
  });
});
