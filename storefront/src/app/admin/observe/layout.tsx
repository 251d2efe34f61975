"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";

// The Observe console: the services' traces, the map they draw, metrics, alarms and logs, read
// from the local telemetry store and Prometheus (on AWS, the routes answer from X-Ray and CloudWatch);
// then the fault switches that break the shop on purpose, and the game days played with them.
const pages = [
  ["/admin/observe/", "Traces"],
  ["/admin/observe/map/", "Service map"],
  ["/admin/observe/metrics/", "Metrics"],
  ["/admin/observe/alarms/", "Alarms"],
  ["/admin/observe/logs/", "Logs"],
  ["/admin/observe/faults/", "Faults"],
  ["/admin/observe/scenarios/", "Scenarios"],
] as const;

export default function ObserveLayout({ children }: { children: ReactNode }) {
  const pathname = usePathname().replace(/\/?$/, "/");
  // One trace belongs to the trace list.
  const here = (href: string) => pathname === href || (href === "/admin/observe/" && pathname.startsWith("/admin/observe/trace/"));
  return (
    <>
      <nav aria-label="Observe" className="mb-6 flex flex-wrap gap-1">
        {pages.map(([href, label]) => (
          <Link
            key={href}
            href={href}
            aria-current={here(href) ? "page" : undefined}
            className="rounded-full border border-stone-200 bg-white px-3 py-1 text-sm text-stone-700 hover:bg-stone-100 aria-[current=page]:border-brand-600 aria-[current=page]:bg-brand-100 aria-[current=page]:text-brand-900"
          >
            {label}
          </Link>
        ))}
      </nav>
      {children}
    </>
  );
}
