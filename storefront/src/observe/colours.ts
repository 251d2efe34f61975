// One colour per service, the same on every Observe page: the shop's own services keep theirs,
// any other one gets a colour from its name; red is kept for errors. Class names are written out
// whole, so Tailwind finds them; `hex` is the same colour for SVG.

export type Colour = { bg: string; hex: string };

const palette: Colour[] = [
  { bg: "bg-sky-500", hex: "#0ea5e9" },
  { bg: "bg-emerald-500", hex: "#10b981" },
  { bg: "bg-violet-500", hex: "#8b5cf6" },
  { bg: "bg-amber-500", hex: "#f59e0b" },
  { bg: "bg-blue-800", hex: "#1e40af" },
  { bg: "bg-cyan-600", hex: "#0891b2" },
  { bg: "bg-lime-600", hex: "#65a30d" },
  { bg: "bg-indigo-500", hex: "#6366f1" },
  { bg: "bg-orange-600", hex: "#ea580c" },
  { bg: "bg-teal-700", hex: "#0f766e" },
];

const known: Record<string, number> = {
  storefront: 2,
  gateway: 4,
  order: 0,
  product: 6,
  admin: 7,
  "stock-projector": 1,
  "event-store": 3,
  "otlp-receiver": 9,
  loadgen: 5,
};

/** The colour of `service`: fixed for the shop's services, from a hash of the name otherwise. */
export function serviceColour(service: string): Colour {
  const index = known[service] ?? [...service].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 9973, 7) % palette.length;
  return palette[index] as Colour;
}
