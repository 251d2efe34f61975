"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
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

export function Header() {
  const { user, isAdmin, signOut } = useSession();
  const [cart] = useCart();
  const count = itemCount(cart);
  return (
    <header className="border-b border-stone-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-2 px-4 py-3">
        <Link href="/" className="mr-4 text-xl font-bold text-brand-700">
          shop
        </Link>
        <nav aria-label="Main" className="flex flex-1 flex-wrap items-center gap-1">
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
        {user === null && <NavLink href="/sign-in/">Sign in</NavLink>}
        {user && (
          <div className="flex items-center gap-2 text-sm text-stone-600">
            <span className="hidden sm:inline">{user.username}</span>
            <button type="button" onClick={signOut} className="rounded-md px-3 py-2 font-medium text-stone-700 hover:bg-stone-100">
              Sign out
            </button>
          </div>
        )}
      </div>
    </header>
  );
}
