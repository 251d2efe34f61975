"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState, type FormEvent } from "react";
import { confirmSignUp, resendConfirmationCode, signUp, type CodeDelivery } from "@/auth/cognito";
import { explain, type Field as ErrorField } from "@/auth/errors";
import { safeNext, withQuery } from "@/auth/next";
import { describePolicy, isLocalStack, lacking, policyFor, unmetRules } from "@/auth/passwordPolicy";
import { useSession } from "@/auth/session";
import { Button } from "@/components/Button";
import { Field } from "@/components/Field";
import { useConfig } from "@/config/ConfigProvider";
import type { RuntimeConfig } from "@/config/config";

// Sign-up in three steps, all against Cognito from the browser: SignUp (the e-mail address is the
// username), ConfirmSignUp with the code Cognito e-mails, then InitiateAuth as the sign-in page
// does. The password stays in this component's memory only, to sign in after the code.

type Step =
  | { kind: "details" }
  | { kind: "confirm"; email: string; password: string | null; delivery: CodeDelivery | null }
  | { kind: "signing-in"; email: string };

type Errors = Partial<Record<ErrorField, string>>;

const alertClass = "rounded-md bg-red-50 p-3 text-sm text-red-900";
const linkClass = "font-medium text-brand-700 underline";

/** Signs the new shopper in and goes on; if that fails, the sign-in page takes over with the address filled in. */
function useFinish(next: string, onStep: (step: Step) => void) {
  const { signIn } = useSession();
  const router = useRouter();
  return async (email: string, password: string | null) => {
    const signInPage = withQuery("/sign-in/", { email, confirmed: "1", next: next === "/" ? null : next });
    // Came from the sign-in page: the password was typed there, not here.
    if (password === null) return router.push(signInPage);
    onStep({ kind: "signing-in", email });
    try {
      // A new password asked for (never, for an account just signed up) is the sign-in page's step.
      const outcome = await signIn(email, password);
      router.push(outcome.kind === "signed-in" ? next : signInPage);
    } catch {
      router.push(signInPage);
    }
  };
}

function SignUpFlow() {
  const configState = useConfig();
  const params = useSearchParams();
  const next = safeNext(params.get("next"));
  // From the sign-in page, for an account whose code was never entered: straight to the code.
  const [step, setStep] = useState<Step>(() => {
    const email = params.get("email");
    return email && params.get("step") === "confirm" ? { kind: "confirm", email, password: null, delivery: null } : { kind: "details" };
  });

  if (configState.status === "error") {
    return (
      <p role="alert" className={alertClass}>
        {configState.message}
      </p>
    );
  }
  const config = configState.status === "ready" ? configState.config : null;
  switch (step.kind) {
    case "details":
      return <Details config={config} next={next} onStep={setStep} />;
    case "confirm":
      return <Confirm key={step.email} config={config} next={next} step={step} onStep={setStep} />;
    case "signing-in":
      return <SigningIn email={step.email} next={next} />;
  }
}

function Details({ config, next, onStep }: { config: RuntimeConfig | null; next: string; onStep: (step: Step) => void }) {
  const finish = useFinish(next, onStep);
  const [errors, setErrors] = useState<Errors>({});
  const [existing, setExisting] = useState<{ email: string; password: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const policy = config && policyFor(config);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!config || !policy) return;
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email")).trim();
    const password = String(form.get("password"));
    setExisting(null);
    const missing = unmetRules(policy, password);
    if (missing.length) {
      setErrors({ password: lacking(missing) });
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const { confirmed, delivery } = await signUp(config, email, password);
      // Confirmed already when the pool confirms accounts itself (a trigger): no code to enter.
      if (confirmed) await finish(email, password);
      else onStep({ kind: "confirm", email, password, delivery });
    } catch (e) {
      const problem = explain("SignUp", e);
      setErrors({ [problem.field]: problem.text });
      if (problem.code === "UsernameExistsException") setExisting({ email, password });
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-4">
      <Field label="Email" name="email" type="email" autoComplete="email" required error={errors.email} />
      {existing && (
        <p className="text-sm text-stone-700">
          <Link href={withQuery("/sign-in/", { email: existing.email, next: next === "/" ? null : next })} className={linkClass}>
            Sign in
          </Link>{" "}
          with it, or{" "}
          <button
            type="button"
            className={`${linkClass} text-left`}
            onClick={() => onStep({ kind: "confirm", email: existing.email, password: existing.password, delivery: null })}
          >
            enter its confirmation code
          </button>{" "}
          if you never did.
        </p>
      )}
      <Field
        label="Password"
        name="password"
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
        {busy ? "Creating account…" : "Create account"}
      </Button>
      <p className="text-sm text-stone-600">
        Already have an account?{" "}
        <Link href={withQuery("/sign-in/", { next: next === "/" ? null : next })} className={linkClass}>
          Sign in
        </Link>
      </p>
    </form>
  );
}

function Confirm({
  config,
  next,
  step,
  onStep,
}: {
  config: RuntimeConfig | null;
  next: string;
  step: Extract<Step, { kind: "confirm" }>;
  onStep: (step: Step) => void;
}) {
  const finish = useFinish(next, onStep);
  const [errors, setErrors] = useState<Errors>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<"confirm" | "resend" | null>(null);
  const local = config !== null && isLocalStack(config);
  const signInHref = withQuery("/sign-in/", { email: step.email, next: next === "/" ? null : next });

  async function confirm(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!config) return;
    const code = String(new FormData(event.currentTarget).get("code")).replace(/\s+/g, "");
    setErrors({});
    setNotice(null);
    setBusy("confirm");
    try {
      await confirmSignUp(config, step.email, code);
    } catch (e) {
      const problem = explain("ConfirmSignUp", e);
      setErrors({ [problem.field]: problem.text });
      setBusy(null);
      return;
    }
    await finish(step.email, step.password);
  }

  async function resend() {
    if (!config) return;
    setErrors({});
    setNotice(null);
    if (local) {
      // moto has no ResendConfirmationCode (it answers 500, without CORS headers), and no mail.
      setNotice("Local stack: moto sends no e-mail and cannot resend a code. Any code confirms the account.");
      return;
    }
    setBusy("resend");
    try {
      const delivery = await resendConfirmationCode(config, step.email);
      setNotice(`We sent a new code to ${delivery.destination ?? step.email}. Only the newest code works.`);
    } catch (e) {
      const problem = explain("ResendConfirmationCode", e);
      setErrors({ [problem.field]: problem.text });
    }
    setBusy(null);
  }

  return (
    <form onSubmit={confirm} className="flex flex-col gap-4">
      <h2 className="text-lg font-semibold">Confirm your e-mail address</h2>
      {local ? (
        <p className="rounded-md bg-amber-50 p-3 text-sm text-amber-900">
          Local stack: moto sends no e-mail and accepts any code. Enter any 6 digits, e.g. 123456.
        </p>
      ) : (
        <p className="text-sm text-stone-700">
          We e-mailed a 6-digit code to <strong>{step.delivery?.destination ?? step.email}</strong> from
          no-reply@verificationemail.com (look in the spam folder too). It is valid for 24 hours.
        </p>
      )}
      <Field
        label="Confirmation code"
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        required
        error={errors.code ?? errors.email}
      />
      {errors.form && (
        <p role="alert" className={alertClass}>
          {errors.form}
        </p>
      )}
      {notice && (
        <p role="status" className="rounded-md bg-stone-100 p-3 text-sm text-stone-800">
          {notice}
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={busy !== null || !config}>
          {busy === "confirm" ? "Confirming…" : "Confirm"}
        </Button>
        <Button variant="secondary" onClick={resend} disabled={busy !== null || !config}>
          {busy === "resend" ? "Sending…" : "Resend code"}
        </Button>
      </div>
      <p className="text-sm text-stone-600">
        Wrong address?{" "}
        <button type="button" className={linkClass} onClick={() => onStep({ kind: "details" })}>
          Start again
        </button>{" "}
        · Confirmed already?{" "}
        <Link href={signInHref} className={linkClass}>
          Sign in
        </Link>
      </p>
    </form>
  );
}

function SigningIn({ email, next }: { email: string; next: string }) {
  return (
    <p role="status" className="text-sm text-stone-700">
      Account confirmed. Signing you in as {email}…{" "}
      <Link href={withQuery("/sign-in/", { email, next: next === "/" ? null : next })} className={linkClass}>
        Sign in yourself
      </Link>
    </p>
  );
}

export default function SignUpPage() {
  return (
    <section className="mx-auto max-w-sm rounded-lg border border-stone-200 bg-white p-6 shadow-sm">
      <h1 className="mb-4 text-2xl font-bold">Create an account</h1>
      <Suspense>
        <SignUpFlow />
      </Suspense>
    </section>
  );
}
