/** `/config.json`, written next to the export by scripts/dev locally and by Terraform on AWS. */
export type RuntimeConfig = {
  region: string;
  user_pool_id: string;
  user_pool_client_id: string;
  /** moto's endpoint locally; null means Cognito's own, https://cognito-idp.{region}.amazonaws.com/. */
  cognito_endpoint: string | null;
  /**
   * Where the browser exports its spans (OTLP/HTTP JSON, e.g. http://127.0.0.1:4318/v1/traces);
   * absent or null: spans are not exported, though calls still send their traceparent.
   */
  otlp_traces_url?: string | null;
};

export function cognitoEndpoint(config: RuntimeConfig): string {
  return config.cognito_endpoint ?? `https://cognito-idp.${config.region}.amazonaws.com/`;
}

export async function loadConfig(fetchConfig: typeof fetch = fetch): Promise<RuntimeConfig> {
  const response = await fetchConfig("/config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`/config.json answered HTTP ${response.status}`);
  const config = (await response.json()) as Partial<RuntimeConfig>;
  for (const key of ["region", "user_pool_id", "user_pool_client_id"] as const) {
    if (typeof config[key] !== "string" || !config[key]) throw new Error(`/config.json has no ${key}`);
  }
  const otlp = config.otlp_traces_url;
  return { cognito_endpoint: null, ...config, otlp_traces_url: typeof otlp === "string" && otlp ? otlp : null } as RuntimeConfig;
}
