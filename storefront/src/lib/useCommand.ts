"use client";

import { useState } from "react";
import type { ApiError } from "@/api/client";
import { asApiError } from "@/lib/useQuery";

/** A command the admin runs from a form: busy while it runs, then its answer or its problem. */
export function useCommand<A extends unknown[], R>(run: (...args: A) => Promise<R>) {
  const [state, setState] = useState<{ busy: boolean; error: ApiError | null; result: R | null }>({
    busy: false,
    error: null,
    result: null,
  });
  async function execute(...args: A): Promise<R | null> {
    setState({ busy: true, error: null, result: null });
    try {
      const result = await run(...args);
      setState({ busy: false, error: null, result });
      return result;
    } catch (e) {
      setState({ busy: false, error: asApiError(e), result: null });
      return null;
    }
  }
  return { ...state, execute };
}
