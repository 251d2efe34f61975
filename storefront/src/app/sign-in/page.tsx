"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState, type FormEvent } from "react";
import { CognitoError } from "@/auth/cognito";
import { safeNext, withQuery } from "@/auth/next";
import { useSession } from "@/auth/session";
import { Button } from "@/components/Button";
import { Field } from "@/components/Field";
import { useConfig } from "@/config/ConfigProvider";

function SignInForm() {
  const { signIn } = useSession();
  const config = useConfig();
  const router = useRouter();
  const params = useSearchParams();
  const next = safeNext(params.get("next"));
  const nextQuery = next === "/" ? null : next;
  const [error, setError] = useState<string | null>(null);
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
      await signIn(email, String(form.get("password")));
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
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-900">
          {config.message}
        </p>
      )}
      {params.get("confirmed") === "1" && (
        <p role="status" className="rounded-md bg-green-50 p-3 text-sm text-green-900">
          Your account is confirmed. Sign in with its password.
        </p>
      )}
      <Field label="Email" name="email" type="email" autoComplete="username" required defaultValue={params.get("email") ?? undefined} />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required />
      {error && (
        <p id="sign-in-error" role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-900">
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
        <Link href={withQuery("/sign-up/", { next: nextQuery })} className="font-medium text-brand-700 underline">
          Create an account
        </Link>
      </p>
    </form>
  );
}

export default function SignInPage() {
  return (
    <section className="mx-auto max-w-sm rounded-lg border border-stone-200 bg-white p-6 shadow-sm">
      <h1 className="mb-4 text-2xl font-bold">Sign in</h1>
      <Suspense>
        <SignInForm />
      </Suspense>
    </section>
  );
}
