// The service map: draws the layout serviceMap.ts computes (node boxes, edge paths, label
// boxes) one SVG unit to one CSS pixel, so the sizes it chose are the sizes read; the edges are
// listed in a table under it. Stable test ids mark nodes, edges and labels for the browser tests.
import { useMemo } from "react";
import type { MapEdge, ServiceMap } from "@/api/observe";
import { serviceColour } from "@/observe/colours";
import { ARROW, edgeLabel, layoutMap, QUEUE_END, type EdgeLabel, type PlacedNode } from "@/observe/serviceMap";
import { formatMs } from "@/lib/format";

const DB_LID = 7;

/**
 * A service is a box, a queue a pipe lying down, a database a standing cylinder; a kind the map
 * does not know is drawn as a service is.
 */
function NodeShape({ node }: { node: PlacedNode }) {
  const { x, y, width: w, height: h, kind, id } = node;
  const stroke = kind === "queue" ? "#7c3aed" : kind === "database" ? "#57534e" : serviceColour(id).hex;
  const common = { fill: "white", stroke, strokeWidth: 2 };
  // The name sits in the middle of the shape's face: left of the queue's end, under the database's lid.
  const textX = kind === "queue" ? x + (w - 2 * QUEUE_END) / 2 : x + w / 2;
  const textY = kind === "database" ? y + (h + 2 * DB_LID) / 2 : y + h / 2;
  return (
    <g data-testid="service-map-node" data-node={id}>
      <title>{`${id} (${kind})`}</title>
      {kind === "queue" ? (
        <>
          <path
            d={`M${x + QUEUE_END},${y} H${x + w - QUEUE_END} A${QUEUE_END},${h / 2} 0 0 1 ${x + w - QUEUE_END},${y + h} H${x + QUEUE_END} A${QUEUE_END},${h / 2} 0 0 1 ${x + QUEUE_END},${y} Z`}
            {...common}
            fill="#f5f3ff"
          />
          <ellipse cx={x + w - QUEUE_END} cy={y + h / 2} rx={QUEUE_END} ry={h / 2} {...common} fill="#ede9fe" />
        </>
      ) : kind === "database" ? (
        <>
          <path
            d={`M${x},${y + DB_LID} V${y + h - DB_LID} A${w / 2},${DB_LID} 0 0 0 ${x + w},${y + h - DB_LID} V${y + DB_LID}`}
            {...common}
            fill="#f5f5f4"
          />
          <ellipse cx={x + w / 2} cy={y + DB_LID} rx={w / 2} ry={DB_LID} {...common} fill="#e7e5e4" />
        </>
      ) : (
        <rect x={x} y={y} width={w} height={h} rx={8} {...common} />
      )}
      <text x={textX} y={textY} textAnchor="middle" dominantBaseline="central" fontSize={node.fontSize} fontWeight="600" fill="#1c1917">
        {node.name}
      </text>
    </g>
  );
}

const edgeColour = (edge: MapEdge) => (edge.error_rate > 0.05 ? "#dc2626" : edge.error_rate > 0 ? "#d97706" : "#78716c");

const percent = (rate: number) => `${(rate * 100).toFixed(rate > 0 && rate < 0.001 ? 2 : 1)}%`;

/** An edge's numbers on a white card in the box the layout kept free for them, line under line. */
function Label({ edge, label }: { edge: MapEdge; label: EdgeLabel }) {
  const colour = edgeColour(edge);
  const centre = label.x + label.width / 2;
  const top = label.y + (label.height - label.lines.length * label.lineHeight) / 2;
  return (
    <g data-testid="service-map-edge-label" data-edge={`${edge.from} → ${edge.to}`}>
      {label.leader && (
        // Standing off its line, the label is tied to the point it describes.
        <g data-testid="service-map-leader" stroke={colour} fill={colour}>
          <line
            x1={label.leader.from.x}
            y1={label.leader.from.y}
            x2={label.leader.to.x}
            y2={label.leader.to.y}
            strokeWidth={1}
            strokeDasharray="2 2"
          />
          <circle cx={label.leader.from.x} cy={label.leader.from.y} r={2.5} stroke="none" />
        </g>
      )}
      <rect
        x={label.x}
        y={label.y}
        width={label.width}
        height={label.height}
        rx={4}
        fill="white"
        fillOpacity={0.92}
        stroke={colour}
        strokeOpacity={0.35}
      />
      <text textAnchor="middle" dominantBaseline="central" fontSize={label.fontSize} fill={colour === "#78716c" ? "#44403c" : colour}>
        {label.lines.map((line, k) => (
          <tspan key={k} x={centre} y={top + label.lineHeight * (k + 0.5)}>
            {line}
          </tspan>
        ))}
      </text>
    </g>
  );
}

/** The calls between services, queues and databases in the window: drawn, then listed in a table. */
export function ServiceMapView({ map }: { map: ServiceMap }) {
  const layout = useMemo(() => layoutMap(map), [map]);
  const markers = { normal: "#78716c", warn: "#d97706", error: "#dc2626" } as const;
  const marker = (edge: MapEdge) => (edge.error_rate > 0.05 ? "error" : edge.error_rate > 0 ? "warn" : "normal");
  return (
    <div className="flex flex-col gap-6">
      <div className="overflow-x-auto rounded-lg border border-stone-200 bg-white">
        {/* Drawn at its own size, never scaled down (its text would shrink under 13 px): a map wider than the page scrolls. */}
        <svg
          role="img"
          aria-labelledby="service-map-title"
          data-testid="service-map"
          width={layout.width}
          height={layout.height}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          className="block max-w-none"
        >
          <title id="service-map-title">
            {`Service map: ${layout.nodes.length} nodes and ${layout.edges.length} edges; the Edges table lists each.`}
          </title>
          <defs>
            {Object.entries(markers).map(([name, colour]) => (
              <marker
                key={name}
                id={`service-map-arrow-${name}`}
                viewBox="0 0 10 10"
                refX="10"
                refY="5"
                markerUnits="userSpaceOnUse"
                markerWidth={ARROW}
                markerHeight={ARROW}
                orient="auto-start-reverse"
              >
                <path d="M0,0 L10,5 L0,10 z" fill={colour} />
              </marker>
            ))}
          </defs>
          {layout.edges.map(({ edge, path }, i) => (
            <path
              key={i}
              data-testid="service-map-edge"
              data-edge={`${edge.from} → ${edge.to}`}
              d={path}
              fill="none"
              stroke={edgeColour(edge)}
              strokeWidth={1.5 + Math.min(edge.per_minute, 60) / 20}
              markerEnd={`url(#service-map-arrow-${marker(edge)})`}
            >
              <title>{`${edge.from} → ${edge.to}: ${edgeLabel(edge)}`}</title>
            </path>
          ))}
          {layout.nodes.map((node) => (
            <NodeShape key={node.id} node={node} />
          ))}
          {layout.edges.map(({ edge, label }, i) => (
            <Label key={i} edge={edge} label={label} />
          ))}
        </svg>
      </div>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="mb-2 text-left font-semibold">Edges</caption>
          <thead className="border-b border-stone-300 text-stone-600">
            <tr>
              <th scope="col" className="py-2">From</th>
              <th scope="col" className="py-2">To</th>
              <th scope="col" className="py-2 text-right">Requests</th>
              <th scope="col" className="py-2 text-right">Per minute</th>
              <th scope="col" className="py-2 text-right">Error rate</th>
              <th scope="col" className="py-2 text-right">p99 (ms)</th>
            </tr>
          </thead>
          <tbody>
            {map.edges.map((edge, i) => (
              <tr key={i} className="border-b border-stone-100">
                <td className="py-2 font-mono">{edge.from}</td>
                <td className="py-2 font-mono">{edge.to}</td>
                <td className="py-2 text-right">{edge.requests}</td>
                <td className="py-2 text-right">{edge.per_minute.toFixed(1)}</td>
                <td className={`py-2 text-right ${edge.error_rate > 0 ? "text-red-800" : ""}`}>{percent(edge.error_rate)}</td>
                <td className="py-2 text-right" title={formatMs(edge.p99_ms)}>
                  {edge.p99_ms.toFixed(edge.p99_ms < 10 ? 1 : 0)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
