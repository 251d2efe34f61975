"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { explain } from "@/auth/errors";
import { useSession } from "@/auth/session";
import { itemCount } from "@/cart/cart";
import { useCart } from "@/cart/useCart";

function NavLink({ href, children }: { href: string; children: React.ReactNode }) {
  const pathname = usePathname();
  const current = href === "/" ? pathname === "/" : pathname.startsWith(href);
  return (
    <Link
      href={href}
      aria-current={current ? "page" : undefined}
      className="rounded-md px-3 py-2 text-sm font-medium text-stone-700 hover:bg-brand-50 aria-[current=page]:bg-brand-100 aria-[current=page]:text-brand-900"
    >
      {children}
    </Link>
  );
}

/**
 * The signed-in user's menu: who they are, and signing out on every device (Cognito
 * GlobalSignOut). "Sign out" beside it only forgets this browser's tokens.
 */
function AccountMenu({ name }: { name: string }) {
  const { signOutEverywhere } = useSession();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function everywhere() {
    setBusy(true);
    setProblem(null);
    try {
      await signOutEverywhere();
    } catch (e) {
      setProblem(`${explain("GlobalSignOut", e).text} You are still signed in.`);
      setBusy(false);
    }
  }

  return (
    <details className="relative">
      <summary className="cursor-pointer list-none rounded-md px-3 py-2 font-medium text-stone-700 hover:bg-stone-100">
        <span className="sm:hidden">Account</span>
        <span className="hidden sm:inline">{name}</span> ▾
      </summary>
      <div className="absolute right-0 z-10 mt-1 flex w-72 flex-col gap-2 rounded-md border border-stone-200 bg-white p-3 shadow-md">
        <p className="break-all text-stone-800">Signed in as {name}</p>
        <button
          type="button"
          onClick={everywhere}
          disabled={busy}
          className="rounded-md border border-stone-300 px-3 py-2 font-medium text-stone-800 hover:bg-stone-50 disabled:text-stone-400"
        >
          {busy ? "Signing out…" : "Sign out everywhere"}
        </button>
        <p className="text-xs text-stone-500">
          Ends your sign-in on every device: none of them can renew it. A device keeps the access token it holds until
          that expires, within the hour.
        </p>
        {problem && (
          <p role="alert" className="text-sm text-red-800">
            {problem}
          </p>
        )}
      </div>
    </details>
  );
}

export function Header() {
  const { user, restoring, isAdmin, signOut } = useSession();
  const [cart] = useCart();
  const count = itemCount(cart);
  return (
    <header className="border-b border-stone-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-2 px-4 py-3">
        <Link href="/" className="mr-4 text-xl font-bold text-brand-700">
          shop
        </Link>
        <nav aria-label="Main" className="flex flex-auto flex-wrap items-center gap-1">
          <NavLink href="/">Catalog</NavLink>
          <NavLink href="/cart/">
            Cart{" "}
            <span className="rounded-full bg-brand-600 px-2 text-xs text-white" aria-label={`${count} items`}>
              {count}
            </span>
          </NavLink>
          {user && <NavLink href="/orders/">My orders</NavLink>}
          {isAdmin && <NavLink href="/admin/">Admin</NavLink>}
        </nav>
        {/* After a reload the tokens are renewed first (they are kept in memory only): neither signed in nor out yet. */}
        {restoring && (
          <p role="status" className="ml-auto px-3 py-2 text-sm text-stone-500">
            Signing you in…
          </p>
        )}
        {user === null && <NavLink href="/sign-in/">Sign in</NavLink>}
        {user && (
          <div className="ml-auto flex items-center gap-2 text-sm text-stone-600">
            <AccountMenu name={user.email ?? user.username} />
            <button type="button" onClick={signOut} className="rounded-md px-3 py-2 font-medium text-stone-700 hover:bg-stone-100">
              Sign out
            </button>
          </div>
        )}
      </div>
    </header>
  );
}
