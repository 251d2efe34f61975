import type { RuntimeConfig } from "@/config/config";

/** A user pool's password rules, as Cognito's PasswordPolicy names them. */
export type PasswordPolicy = {
  minimumLength: number;
  requireLowercase: boolean;
  requireUppercase: boolean;
  requireNumbers: boolean;
  requireSymbols: boolean;
};

/**
 * The pool on AWS: `password_policy` in terraform/modules/auth/main.tf (passwordPolicy.test.ts reads
 * that file and fails when the two differ).
 */
export const POOL_POLICY: PasswordPolicy = {
  minimumLength: 12,
  requireLowercase: true,
  requireUppercase: true,
  requireNumbers: true,
  requireSymbols: false,
};

/**
 * The local stack's pool: scripts/local_aws.py creates it with no policy, so moto's default
 * applies (8 characters, both cases, a number and a symbol; checked against moto 5.2).
 */
export const LOCAL_POLICY: PasswordPolicy = {
  minimumLength: 8,
  requireLowercase: true,
  requireUppercase: true,
  requireNumbers: true,
  requireSymbols: true,
};

/**
 * Whether the storefront talks to the local stack's moto: scripts/dev writes `cognito_endpoint`
 * into config.json, Terraform writes null (the region's Cognito).
 */
export const isLocalStack = (config: RuntimeConfig) => config.cognito_endpoint !== null;

export const policyFor = (config: RuntimeConfig): PasswordPolicy => (isLocalStack(config) ? LOCAL_POLICY : POOL_POLICY);

/** The characters Cognito counts as symbols (the space too, but not at either end). */
const SYMBOLS = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

type Rule = { text: string; met: (password: string) => boolean };

function rules(policy: PasswordPolicy): Rule[] {
  return [
    { text: `at least ${policy.minimumLength} characters`, met: (p) => p.length >= policy.minimumLength },
    ...(policy.requireLowercase ? [{ text: "a lower-case letter", met: (p: string) => /[a-z]/.test(p) }] : []),
    ...(policy.requireUppercase ? [{ text: "an upper-case letter", met: (p: string) => /[A-Z]/.test(p) }] : []),
    ...(policy.requireNumbers ? [{ text: "a number", met: (p: string) => /[0-9]/.test(p) }] : []),
    ...(policy.requireSymbols ? [{ text: "a symbol such as - or !", met: (p: string) => [...p].some((c) => SYMBOLS.includes(c)) }] : []),
  ];
}

const list = (items: string[]) =>
  items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;

/** The rules in one sentence, for the hint under the password field. */
export function describePolicy(policy: PasswordPolicy): string {
  const [length, ...kinds] = rules(policy).map((r) => r.text);
  const sentence = kinds.length ? `${length}, with ${list(kinds)}` : (length ?? "");
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}; no space at the start or end.`;
}

/** What the password still lacks, in the words of the hint; empty when the pool will take it. */
export function unmetRules(policy: PasswordPolicy, password: string): string[] {
  const missing = rules(policy)
    .filter((r) => !r.met(password))
    .map((r) => r.text);
  if (password !== password.trim()) missing.push("no space at the start or end");
  return missing;
}

/** The sentence shown when the password lacks something: "It needs at least 12 characters and a number." */
export const lacking = (missing: string[]) => `It needs ${list(missing)}.`;
