"use client";

import { useMemo } from "react";
import { currentToken } from "@/auth/session";
import { useConfig } from "@/config/ConfigProvider";
import { createApi, type Api } from "./client";

/** The API client, sending the signed-in user's token. */
export function useApi(): Api {
  const state = useConfig();
  const config = state.status === "ready" ? state.config : null;
  return useMemo(() => createApi({ token: () => currentToken(config) }), [config]);
}
