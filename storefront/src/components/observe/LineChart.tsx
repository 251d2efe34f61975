import { latestValue, linePath, scale, timeTicks, valueTicks, type SeriesPoints } from "@/observe/chart";
import { formatTick, formatValue, type Unit } from "@/observe/panels";

export type ChartLine = { name: string; unit: Unit; points: SeriesPoints };

const WIDTH = 560;
const HEIGHT = 180;
const MARGIN = { top: 8, right: 16, bottom: 22, left: 48 };

const colours = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#57534e"];

const hourMinute = new Intl.DateTimeFormat("en-US", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/**
 * One panel's series over the window: a y axis from zero with a few ticks, round clock times
 * under it, a line per series (broken where samples are missing), and the latest value of each
 * series as text, or "no data yet" for a series with none.
 */
export function LineChart({ title, lines, from, to, step }: { title: string; lines: ChartLine[]; from: number; to: number; step: number }) {
  const unit = lines[0]?.unit ?? "count";
  const yTicks = valueTicks(lines.map((l) => l.points));
  const x = scale([from, to], [MARGIN.left, WIDTH - MARGIN.right]);
  const y = scale([yTicks[0]!, yTicks.at(-1)!], [HEIGHT - MARGIN.bottom, MARGIN.top]);
  const xTicks = timeTicks(from, to, 6);
  return (
    <figure aria-label={title} className="flex flex-col gap-2 rounded-lg border border-stone-200 bg-white p-4 shadow-sm">
      <figcaption className="text-sm font-semibold">{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="h-auto w-full" aria-hidden="true">
        {yTicks.map((t) => (
          <g key={t}>
            <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(t)} y2={y(t)} stroke="#e7e5e4" />
            <text x={MARGIN.left - 6} y={y(t) + 4} textAnchor="end" fontSize="11" fill="#78716c">
              {formatTick(t, unit)}
            </text>
          </g>
        ))}
        {xTicks.map((t) => (
          <text key={t} x={x(t)} y={HEIGHT - 6} textAnchor={x(t) > WIDTH - 40 ? "end" : "middle"} fontSize="11" fill="#78716c">
            {hourMinute.format(new Date(t * 1000))}
          </text>
        ))}
        <line x1={MARGIN.left} x2={MARGIN.left} y1={MARGIN.top} y2={HEIGHT - MARGIN.bottom} stroke="#a8a29e" />
        {lines.map((line, i) => (
          <path
            key={i}
            d={linePath(line.points, x, y, step * 1.5)}
            fill="none"
            stroke={colours[i % colours.length]}
            strokeWidth="1.75"
            strokeLinejoin="round"
          />
        ))}
      </svg>
      <ul aria-label="Latest values" className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-stone-700">
        {lines.map((line, i) => {
          const latest = latestValue(line.points);
          return (
            <li key={i} className="flex items-center gap-1.5">
              <span className="inline-block h-0.5 w-3" style={{ backgroundColor: colours[i % colours.length] }} aria-hidden="true" />
              <span>{`${line.name} ${latest === null ? "no data yet" : formatValue(latest, line.unit)}`}</span>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
