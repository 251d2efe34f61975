"use client";

import { useMemo } from "react";
import { currentToken } from "@/auth/session";
import { useConfig } from "@/config/ConfigProvider";
import { createApi, type Api } from "./client";
import { observeApi, type ObserveApi } from "./observe";

/** The API client, sending the signed-in user's token. */
export function useApi(): Api {
  const state = useConfig();
  const config = state.status === "ready" ? state.config : null;
  return useMemo(() => createApi({ token: () => currentToken(config) }), [config]);
}

/** The Observe console's routes, through the same client. */
export function useObserveApi(): ObserveApi {
  const api = useApi();
  return useMemo(() => observeApi(api), [api]);
}
