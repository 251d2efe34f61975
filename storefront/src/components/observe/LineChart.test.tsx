import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { LineChart } from "./LineChart";

describe("LineChart", () => {
  const html = renderToStaticMarkup(
    <LineChart
      title="Orders placed and rejected (per minute)"
      from={0}
      to={600}
      step={15}
      lines={[
        { name: "OrdersPlaced", unit: "perMinute", points: [[0, 1], [15, 1.234]] },
        { name: "OrdersRejected", unit: "perMinute", points: [] },
      ]}
    />,
  );

  it("is a figure named by its panel, with each series' latest value as text", () => {
    expect(html).toContain('<figure aria-label="Orders placed and rejected (per minute)"');
    expect(html).toContain("OrdersPlaced 1.2/min");
    expect(html).toContain("OrdersRejected no data yet");
  });

  it("draws a line for the series with samples, axes from zero", () => {
    expect(html.match(/<path d="M[^"]+"/g)).toHaveLength(1);
    expect(html).toMatch(/>0<\/text>/);
  });
});
