import type { MapEdge, ServiceMap } from "@/api/observe";
import { serviceColour } from "@/observe/colours";
import { edgeLabel, edgeLabelLines, layoutMap, NODE, type PlacedNode } from "@/observe/serviceMap";
import { formatMs } from "@/lib/format";

const QUEUE_END = 10;
const DB_LID = 7;

/**
 * A service is a box, a queue a pipe lying down, a database a standing cylinder; a kind the map
 * does not know is drawn as a service is.
 */
function NodeShape({ node }: { node: PlacedNode }) {
  const { x, y, kind, id } = node;
  const { width: w, height: h } = NODE;
  const stroke = kind === "queue" ? "#7c3aed" : kind === "database" ? "#57534e" : serviceColour(id).hex;
  const common = { fill: "white", stroke, strokeWidth: 2 };
  const label = id.length > 18 ? `${id.slice(0, 17)}…` : id;
  return (
    <g>
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
      <text
        x={x + (kind === "queue" ? w / 2 - QUEUE_END / 2 : w / 2)}
        y={y + h / 2 + (kind === "database" ? 7 : 4)}
        textAnchor="middle"
        fontSize="13"
        fontWeight="600"
        fill="#1c1917"
      >
        {label}
      </text>
    </g>
  );
}

const edgeColour = (edge: MapEdge) => (edge.error_rate > 0.05 ? "#dc2626" : edge.error_rate > 0 ? "#d97706" : "#78716c");

const percent = (rate: number) => `${(rate * 100).toFixed(rate > 0 && rate < 0.001 ? 2 : 1)}%`;

/** The calls between services, queues and databases in the window: drawn, then listed in a table. */
export function ServiceMapView({ map }: { map: ServiceMap }) {
  const layout = layoutMap(map);
  const markers = { normal: "#78716c", warn: "#d97706", error: "#dc2626" } as const;
  const marker = (edge: MapEdge) => (edge.error_rate > 0.05 ? "error" : edge.error_rate > 0 ? "warn" : "normal");
  return (
    <div className="flex flex-col gap-6">
      <div className="overflow-x-auto rounded-lg border border-stone-200 bg-white">
        {/* As wide as the page allows, never wider than drawn nor narrower than readable (then it scrolls). */}
        <svg
          role="img"
          aria-labelledby="service-map-title"
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          className="h-auto w-full"
          style={{ maxWidth: layout.width, minWidth: Math.min(layout.width, 768) }}
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
                refX="9"
                refY="5"
                markerWidth="7"
                markerHeight="7"
                orient="auto-start-reverse"
              >
                <path d="M0,0 L10,5 L0,10 z" fill={colour} />
              </marker>
            ))}
          </defs>
          {layout.edges.map(({ edge, path }, i) => (
            <path
              key={i}
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
          {layout.edges.map(({ edge, label }, i) => {
            const [rate, p99] = edgeLabelLines(edge);
            return (
              <text
                key={i}
                x={label.x}
                y={label.y - 14}
                textAnchor="middle"
                fontSize="11"
                fill={edgeColour(edge) === "#78716c" ? "#44403c" : edgeColour(edge)}
                stroke="#fff"
                strokeWidth="3"
                paintOrder="stroke"
              >
                <tspan x={label.x}>{rate}</tspan>
                <tspan x={label.x} dy="12">
                  {p99}
                </tspan>
              </text>
            );
          })}
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
