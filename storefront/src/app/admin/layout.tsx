"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { Gate } from "@/components/Gate";

const sections = [
  ["/admin/", "Products"],
  ["/admin/events/", "Global log"],
  ["/admin/stream/", "Event browser"],
  ["/admin/projections/", "Projections"],
  ["/admin/trace/", "Timelines"],
  ["/admin/observe/", "Observe"],
] as const;

export default function AdminLayout({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  // A section is current on its own pages too (Observe has several); Products only on its own.
  const here = (href: string) =>
    pathname === href || pathname === href.slice(0, -1) || (href !== "/admin/" && pathname.startsWith(href));
  return (
    <Gate admin>
      <nav aria-label="Admin" className="mb-6 flex flex-wrap gap-1 border-b border-stone-200 pb-2">
        {sections.map(([href, label]) => (
          <Link
            key={href}
            href={href}
            aria-current={here(href) ? "page" : undefined}
            className="rounded-md px-3 py-1.5 text-sm text-stone-700 hover:bg-stone-100 aria-[current=page]:bg-stone-800 aria-[current=page]:text-white"
          >
            {label}
          </Link>
        ))}
      </nav>
      {children}
    </Gate>
  );
}
