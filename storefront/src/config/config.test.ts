import { describe, expect, it } from "vitest";
import { loadConfig } from "./config";

const serving = (body: unknown) => (async () => new Response(JSON.stringify(body))) as unknown as typeof fetch;

const base = { region: "us-east-1", user_pool_id: "pool", user_pool_client_id: "client" };

describe("loadConfig", () => {
  it("takes the OTLP traces URL when there is one", async () => {
    const config = await loadConfig(serving({ ...base, otlp_traces_url: "http://127.0.0.1:4318/v1/traces" }));
    expect(config.otlp_traces_url).toBe("http://127.0.0.1:4318/v1/traces");
    expect(config.cognito_endpoint).toBeNull();
  });

  it("reads a missing, null, empty or mistyped OTLP URL as none: spans are then not exported", async () => {
    for (const otlp of [undefined, null, "", 42]) {
      const config = await loadConfig(serving({ ...base, otlp_traces_url: otlp }));
      expect(config.otlp_traces_url).toBeNull();
    }
  });

  it("still refuses a config without its Cognito ids", async () => {
    await expect(loadConfig(serving({ region: "us-east-1" }))).rejects.toThrow("/config.json has no user_pool_id");
  });
});
