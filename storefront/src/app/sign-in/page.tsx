"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState, type FormEvent } from "react";
import { CognitoError, type NewPasswordChallenge } from "@/auth/cognito";
import { explain, isExpiredChallenge } from "@/auth/errors";
import { safeNext, withQuery } from "@/auth/next";
import { describePolicy, lacking, policyFor, unmetRules } from "@/auth/passwordPolicy";
import { useSession } from "@/auth/session";
import { Button } from "@/components/Button";
import { Field } from "@/components/Field";
import { useConfig } from "@/config/ConfigProvider";
import type { RuntimeConfig } from "@/config/config";

// Sign-in with USER_PASSWORD_AUTH. An account an admin created (admin-create-user) has a temporary
// password that Cognito answers with the NEW_PASSWORD_REQUIRED challenge instead of tokens: the
// second step asks for the user's own password under the pool's rules and answers the challenge
// (RespondToAuthChallenge), which gives the tokens of a normal sign-in.

type Step = { kind: "password" } | { kind: "new-password"; email: string; challenge: NewPasswordChallenge };

const alertClass = "rounded-md bg-red-50 p-3 text-sm text-red-900";
const linkClass = "font-medium text-brand-700 underline";

function SignInFlow() {
  const params = useSearchParams();
  const next = safeNext(params.get("next"));
  const [step, setStep] = useState<Step>({ kind: "password" });
  // The address typed last, kept when the new-password step sends the user back here.
  const [email, setEmail] = useState<string | null>(params.get("email"));
  // Why the user is back at the first step (the new-password step's session ended).
  const [notice, setNotice] = useState<string | null>(null);

  if (step.kind === "new-password") {
    return (
      <NewPassword
        email={step.email}
        challenge={step.challenge}
        next={next}
        onBack={(why) => {
          setNotice(why);
          setStep({ kind: "password" });
        }}
      />
    );
  }
  return (
    <PasswordStep
      email={email}
      notice={notice}
      next={next}
      onChallenge={(typed, challenge) => {
        setEmail(typed);
        setNotice(null);
        setStep({ kind: "new-password", email: typed, challenge });
      }}
    />
  );
}

function PasswordStep({
  email,
  notice,
  next,
  onChallenge,
}: {
  email: string | null;
  notice: string | null;
  next: string;
  onChallenge: (email: string, challenge: NewPasswordChallenge) => void;
}) {
  const { signIn } = useSession();
  const config = useConfig();
  const router = useRouter();
  const params = useSearchParams();
  const nextQuery = next === "/" ? null : next;
  const [error, setError] = useState<string | null>(notice);
  // An account signed up but never confirmed: the sign-up page asks for its code.
  const [unconfirmed, setUnconfirmed] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email"));
    setBusy(true);
    setError(null);
    setUnconfirmed(null);
    try {
      const outcome = await signIn(email, String(form.get("password")));
      if (outcome.kind === "new-password-required") return onChallenge(email, outcome.challenge);
      router.push(next);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      if (e instanceof CognitoError && e.code === "UserNotConfirmedException") setUnconfirmed(email);
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-4" aria-describedby={error ? "sign-in-error" : undefined}>
      {config.status === "error" && (
        <p role="alert" className={alertClass}>
          {config.message}
        </p>
      )}
      {params.get("confirmed") === "1" && (
        <p role="status" className="rounded-md bg-green-50 p-3 text-sm text-green-900">
          Your account is confirmed. Sign in with its password.
        </p>
      )}
      <Field label="Email" name="email" type="email" autoComplete="username" required defaultValue={email ?? undefined} />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required />
      {error && (
        <p id="sign-in-error" role="alert" className={alertClass}>
          {error}{" "}
          {unconfirmed && (
            <Link href={withQuery("/sign-up/", { email: unconfirmed, step: "confirm", next: nextQuery })} className="font-medium underline">
              Enter the code we e-mailed you
            </Link>
          )}
        </p>
      )}
      <Button type="submit" disabled={busy || config.status !== "ready"}>
        {busy ? "Signing in…" : "Sign in"}
      </Button>
      <p className="text-sm text-stone-600">
        New here?{" "}
        <Link href={withQuery("/sign-up/", { next: nextQuery })} className={linkClass}>
          Create an account
        </Link>
      </p>
    </form>
  );
}

function NewPassword({
  email,
  challenge,
  next,
  onBack,
}: {
  email: string;
  challenge: NewPasswordChallenge;
  next: string;
  /** Back to the first step, with the reason to show there (null: the user chose to). */
  onBack: (why: string | null) => void;
}) {
  const { completeNewPassword } = useSession();
  const configState = useConfig();
  const router = useRouter();
  const [errors, setErrors] = useState<{ password?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const config: RuntimeConfig | null = configState.status === "ready" ? configState.config : null;
  const policy = config && policyFor(config);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!policy) return;
    const password = String(new FormData(event.currentTarget).get("new-password"));
    const missing = unmetRules(policy, password);
    if (missing.length) {
      setErrors({ password: lacking(missing) });
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await completeNewPassword(challenge, password);
      router.push(next);
    } catch (e) {
      const problem = explain("RespondToAuthChallenge", e);
      // The session lasts a few minutes and serves once: only a new sign-in gives another.
      if (isExpiredChallenge(e)) return onBack(problem.text);
      setErrors(problem.field === "password" ? { password: problem.text } : { form: problem.text });
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-4">
      <h2 className="text-lg font-semibold">Choose a new password</h2>
      <p className="text-sm text-stone-700">
        <strong>{email}</strong> was created with a temporary password. Choose your own to finish signing in; the temporary
        one stops working.
      </p>
      {/* For password managers: the account the new password belongs to. */}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <Field
        label="New password"
        name="new-password"
        type="password"
        autoComplete="new-password"
        required
        hint={policy ? describePolicy(policy) : undefined}
        error={errors.password}
      />
      {errors.form && (
        <p role="alert" className={alertClass}>
          {errors.form}
        </p>
      )}
      <Button type="submit" disabled={busy || !config}>
        {busy ? "Signing in…" : "Set password and sign in"}
      </Button>
      <p className="text-sm text-stone-600">
        Not your account?{" "}
        <button type="button" className={linkClass} onClick={() => onBack(null)}>
          Sign in with another
        </button>
      </p>
    </form>
  );
}

export default function SignInPage() {
  return (
    <section className="mx-auto max-w-sm rounded-lg border border-stone-200 bg-white p-6 shadow-sm">
      <h1 className="mb-4 text-2xl font-bold">Sign in</h1>
      <Suspense>
        <SignInFlow />
      </Suspense>
    </section>
  );
}
