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
    expect(html.match(/<ellipse/g)).toHaveLength(2);
    expect(html.match(/<rect/g)).toHaveLength(2);
    expect(html).toContain("<title>mailer (lambda)</title>");
  });

  it("lists the edges in a table a reader (and a test) can use", () => {
    expect(html).toContain("<caption");
    expect(html).toMatch(/>Edges<\/caption>/);
    expect(html).toMatch(/<td[^>]*>order<\/td><td[^>]*>shop-events.fifo<\/td><td[^>]*>12<\/td><td[^>]*>0.8<\/td><td[^>]*>0.0%<\/td><td[^>]*>9.0<\/td>/);
    expect(html).toContain("25.0%");
  });
});
