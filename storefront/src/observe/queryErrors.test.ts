import { describe, expect, it } from "vitest";
import { ApiError } from "@/api/client";
import { caretOffset, errorCharacter, queryError } from "./queryErrors";

const unprocessable = (field: string, message: string) =>
  new ApiError({ type: "about:blank", title: "Unprocessable Entity", status: 422, detail: "invalid request", errors: [{ field, message }] });

describe("query errors", () => {
  it("name the character where the text went wrong, counted from 1", () => {
    expect(errorCharacter("at character 17: expected a field name, found `|`")).toBe(17);
    expect(errorCharacter("at character 0: nothing")).toBeNull();
    expect(errorCharacter("must be at most 10000 characters")).toBeNull();
  });

  it("put the caret before that character, counting characters as the server does", () => {
    const query = "fields @message, | sort";
    expect(query.slice(caretOffset(query, 18))).toBe("| sort");
    expect(caretOffset(query, 1)).toBe(0);
    // Past the end (the end of the text was found): the end.
    expect(caretOffset(query, 99)).toBe(query.length);
    // An emoji is one character to the server and two UTF-16 units to the textarea.
    const emoji = 'filter msg = "🛒" |';
    expect(emoji.slice(caretOffset(emoji, 18))).toBe("|");
  });

  it("are the 422's message about the query's own field, and nothing else", () => {
    expect(queryError(unprocessable("query", "at character 3: expected a command, found `x`"), "query")).toEqual({
      message: "at character 3: expected a command, found `x`",
      character: 3,
    });
    expect(queryError(unprocessable("minutes", "must be between 1 and 1440"), "query")).toBeNull();
    expect(queryError(new ApiError({ type: "about:blank", title: "Service Unavailable", status: 503, detail: "down" }), "filter")).toBeNull();
    expect(queryError(null, "filter")).toBeNull();
  });
});
