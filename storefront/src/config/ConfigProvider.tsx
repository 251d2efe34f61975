"use client";

import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { tracer } from "@/telemetry/tracer";
import { loadConfig, type RuntimeConfig } from "./config";

export type ConfigState =
  | { status: "loading" }
  | { status: "ready"; config: RuntimeConfig }
  | { status: "error"; message: string };

const ConfigContext = createContext<ConfigState>({ status: "loading" });

export function ConfigProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<ConfigState>({ status: "loading" });
  useEffect(() => {
    loadConfig().then(
      (config) => {
        tracer.configure(config.otlp_traces_url ?? null);
        setState({ status: "ready", config });
      },
      (error: Error) => {
        tracer.configure(null);
        setState({ status: "error", message: `The storefront is not configured: ${error.message}.` });
      },
    );
  }, []);
  return <ConfigContext.Provider value={state}>{children}</ConfigContext.Provider>;
}

export const useConfig = () => useContext(ConfigContext);
