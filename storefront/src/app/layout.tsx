import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Header } from "@/components/Header";
import { ConfigProvider } from "@/config/ConfigProvider";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "shop", template: "%s · shop" },
  description: "Teas and teaware, from an event-sourced shop.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-stone-50 text-stone-900 antialiased">
        <ConfigProvider>
          <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:p-2">
            Skip to content
          </a>
          <Header />
          <main id="main" className="mx-auto max-w-6xl px-4 py-8">
            {children}
          </main>
        </ConfigProvider>
      </body>
    </html>
  );
}
