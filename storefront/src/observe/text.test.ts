import { describe, expect, it } from "vitest";
import { codeSpans } from "./text";

describe("codeSpans", () => {
  it("cuts a sentence at its backticks, the parts between them being code", () => {
    expect(codeSpans("Every append waits `added_ms` first.")).toEqual([
      { text: "Every append waits ", code: false },
      { text: "added_ms", code: true },
      { text: " first.", code: false },
    ]);
    expect(codeSpans("`append events` holds `2.5 s`")).toEqual([
      { text: "append events", code: true },
      { text: " holds ", code: false },
      { text: "2.5 s", code: true },
    ]);
  });

  it("keeps a sentence without code whole, and an unpaired backtick as text", () => {
    expect(codeSpans("Nothing to mark.")).toEqual([{ text: "Nothing to mark.", code: false }]);
    expect(codeSpans("a `b` c `d")).toEqual([
      { text: "a ", code: false },
      { text: "b", code: true },
      { text: " c `d", code: false },
    ]);
    expect(codeSpans("")).toEqual([]);
  });
});
