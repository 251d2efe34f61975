"use client";

import { useEffect } from "react";

/** Calls `reload` when the user comes back to the tab: availability changes while they are away. */
export function useReloadOnFocus(reload: () => void) {
  useEffect(() => {
    const onVisible = () => document.visibilityState === "visible" && reload();
    document.addEventListener("visibilitychange", onVisible);
    return () => document.removeEventListener("visibilitychange", onVisible);
  }, [reload]);
}
