"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { useSession } from "@/auth/session";
import { Loading } from "./QueryView";

/** Renders its children only for a signed-in user (and only for admins with `admin`). */
export function Gate({ admin = false, children }: { admin?: boolean; children: ReactNode }) {
  const { user, isAdmin } = useSession();
  const pathname = usePathname();
  if (user === undefined) return <Loading what="your session" />;
  if (user === null) {
    return (
      <p role="status" className="rounded-md border border-stone-300 bg-white p-6 text-center">
        <Link href={`/sign-in/?next=${encodeURIComponent(pathname + location.search)}`} className="font-medium text-brand-700 underline">
          Sign in
        </Link>{" "}
        to continue.
      </p>
    );
  }
  if (admin && !isAdmin) {
    return (
      <p role="alert" className="rounded-md bg-red-50 p-6 text-center text-red-900">
        This page is for the admin group; you are signed in as {user.email ?? user.username}.
      </p>
    );
  }
  return children;
}
