import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { RuntimeConfig } from "@/config/config";
import { describePolicy, lacking, LOCAL_POLICY, policyFor, POOL_POLICY, unmetRules } from "./passwordPolicy";

const repo = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), "utf8");

const aws: RuntimeConfig = { region: "eu-west-1", user_pool_id: "p", user_pool_client_id: "c", cognito_endpoint: null };
const local: RuntimeConfig = { ...aws, cognito_endpoint: "http://127.0.0.1:4566" };

describe("password policy", () => {
  it("is the one terraform/modules/auth gives the pool", () => {
    const block = /password_policy\s*\{([^}]*)\}/.exec(repo("terraform/modules/auth/main.tf"))?.[1] ?? "";
    const setting = (name: string) => new RegExp(`${name}\\s*=\\s*(\\S+)`).exec(block)?.[1];
    expect({
      minimumLength: Number(setting("minimum_length")),
      requireLowercase: setting("require_lowercase") === "true",
      requireUppercase: setting("require_uppercase") === "true",
      requireNumbers: setting("require_numbers") === "true",
      requireSymbols: setting("require_symbols") === "true",
    }).toEqual(POOL_POLICY);
  });

  it("is moto's default locally, because scripts/local_aws.py gives the pool none", () => {
    const script = repo("scripts/local_aws.py");
    expect(script).toMatch(/create_user_pool\(PoolName=POOL\)/);
    expect(script).not.toMatch(/PasswordPolicy/);
    expect(policyFor(local)).toBe(LOCAL_POLICY);
    expect(policyFor(aws)).toBe(POOL_POLICY);
  });

  it("says the rules in one sentence", () => {
    expect(describePolicy(POOL_POLICY)).toBe(
      "At least 12 characters, with a lower-case letter, an upper-case letter and a number; no space at the start or end.",
    );
    expect(describePolicy(LOCAL_POLICY)).toBe(
      "At least 8 characters, with a lower-case letter, an upper-case letter, a number and a symbol such as - or !; no space at the start or end.",
    );
  });

  it("names what a password lacks, as the pool would judge it", () => {
    expect(unmetRules(POOL_POLICY, "Shopper-pass-1")).toEqual([]);
    expect(unmetRules(POOL_POLICY, "Abcdefghijk1")).toEqual([]);
    expect(unmetRules(POOL_POLICY, "abcdefghijk")).toEqual(["at least 12 characters", "an upper-case letter", "a number"]);
    expect(unmetRules(POOL_POLICY, " Abcdefghijk1")).toEqual(["no space at the start or end"]);
    // Locally moto wants a symbol, and 8 characters are enough (as moto 5.2 decides).
    expect(unmetRules(LOCAL_POLICY, "Abcdefg-1")).toEqual([]);
    expect(unmetRules(LOCAL_POLICY, "Abcdefg 1")).toEqual([]);
    expect(unmetRules(LOCAL_POLICY, "Abcdefgh1")).toEqual(["a symbol such as - or !"]);
    expect(lacking(["at least 12 characters", "a number"])).toBe("It needs at least 12 characters and a number.");
    expect(lacking(["a number"])).toBe("It needs a number.");
  });
});
