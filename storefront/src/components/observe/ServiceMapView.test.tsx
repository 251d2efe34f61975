// The service map's drawing, rendered to markup: shapes by kind, labels, the table of edges.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ServiceMapView } from "./ServiceMapView";

describe("ServiceMapView", () => {
  const html = renderToStaticMarkup(
    <ServiceMapView
      map={{
        from: "2026-11-29T10:00:00Z",
        to: "2026-11-29T10:15:00Z",
        nodes: [
          { id: "order", kind: "service" },
          { id: "shop-events.fifo", kind: "queue" },
          { id: "postgres", kind: "database" },
          { id: "mailer", kind: "lambda" },
        ],
        edges: [
          { from: "order", to: "shop-events.fifo", requests: 12, per_minute: 0.8, error_rate: 0, p99_ms: 9 },
          { from: "order", to: "postgres", requests: 48, per_minute: 3.2, error_rate: 0.25, p99_ms: 4.2 },
        ],
      }}
    />,
  );

  it("labels each arrow with its rate, errors and p99", () => {
    expect(html).toContain("0.8/min · 0% err");
    expect(html).toContain("p99 9 ms");
    expect(html).toContain("order → postgres: 3.2/min · 25% err · p99 4.2 ms");
  });

  it("draws a queue as a pipe, a database as a cylinder, and a service or a kind it does not know as a box", () => {
    const shapes = Object.fromEntries(
      [...html.matchAll(/<g data-testid="service-map-node" data-node="([^"]+)">(.*?)<\/g>/g)].map(([, id, inner]) => [
        id,
        (inner!.match(/<(rect|ellipse|path)/g) ?? []).join(" "),
      ]),
    );
    expect(shapes).toEqual({
      order: "<rect",
      "shop-events.fifo": "<path <ellipse",
      postgres: "<path <ellipse",
      mailer: "<rect",
    });
    expect(html).toContain("<title>mailer (lambda)</title>");
  });

  it("puts each label on its own card and draws the map at its size, no text under 13 px", () => {
    expect(html.match(/data-testid="service-map-edge-label"/g)).toHaveLength(2);
    // One SVG unit to one pixel: the sizes the layout chose are the sizes read.
    const [, width, height, viewBox] = html.match(/<svg[^>]* width="(\d+)" height="(\d+)" viewBox="([^"]+)"/)!;
    expect(viewBox).toBe(`0 0 ${width} ${height}`);
    const sizes = [...html.matchAll(/font-size="([\d.]+)"/g)].map(([, size]) => Number(size));
    expect(sizes).toHaveLength(4 + 2);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(13);
  });

  it("lists the edges in a table a reader (and a test) can use", () => {
    expect(html).toContain("<caption");
    expect(html).toMatch(/>Edges<\/caption>/);
    expect(html).toMatch(/<td[^>]*>order<\/td><td[^>]*>shop-events.fifo<\/td><td[^>]*>12<\/td><td[^>]*>0.8<\/td><td[^>]*>0.0%<\/td><td[^>]*>9.0<\/td>/);
    expect(html).toContain("25.0%");
  });
});
