import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { RunView } from "@/api/types";
import { Verdict, firedText } from "./Verdict";

const run = (signals: RunView["signals"]): RunView =>
  ({
    run_id: "0",
    scenario: "stuck-orders",
    started_by: "admin",
    started_at: "2026-12-08T03:00:00Z",
    ends_at: "2026-12-08T03:30:00Z",
    answer: "projector_crash",
    correct: true,
    title: "Orders never confirm",
    symptom: "",
    switch: "projector_crash",
    explanation: "It crashed.",
    signals,
  }) as RunView;

describe("Verdict", () => {
  it("says of each alarm signal whether it fired during the run, and nothing of the others", () => {
    const html = renderToStaticMarkup(
      <Verdict
        choices={[]}
        run={run([
          { what: "Alarm projector-down: down", link: "/admin/observe/alarms/", alarm: "projector-down", fired: true },
          { what: "Alarm dlq-not-empty: waiting", link: "/admin/observe/alarms/", alarm: "dlq-not-empty", fired: false },
          { what: "The last words in the logs", link: "/admin/observe/logs/", alarm: null, fired: null },
        ])}
      />,
    );
    expect(html).toContain("fired during the run");
    expect(html).toContain("did not fire during the run");
    expect(html.match(/data-fired=/g)).toHaveLength(2);
  });

  it("does not claim a verdict the alarm board could not give", () => {
    expect(firedText({ what: "x", link: "/", alarm: "api-5xx-rate", fired: null })).toBe(
      "the alarm board cannot say whether it fired",
    );
    expect(firedText({ what: "x", link: "/", alarm: null, fired: null })).toBeNull();
  });
});
