import { describe, expect, it } from "vitest";
import { CognitoError } from "./cognito";
import { explain, isExpiredChallenge } from "./errors";

const cognito = (code: string, message = "Cognito's words") => new CognitoError(code, message);

describe("explain", () => {
  it("puts each sign-up error next to the field it concerns, in plain words", () => {
    expect(explain("SignUp", cognito("UsernameExistsException", "User already exists"))).toMatchObject({
      field: "email",
      code: "UsernameExistsException",
      text: expect.stringMatching(/already exists/),
    });
    expect(explain("SignUp", cognito("InvalidPasswordException", "Password did not conform with policy: Password must have numeric characters"))).toEqual({
      field: "password",
      code: "InvalidPasswordException",
      text: "Cognito refused this password: Password must have numeric characters.",
    });
    expect(explain("SignUp", cognito("InvalidParameterException", "Invalid email address format."))).toMatchObject({ field: "email" });
    expect(
      explain("SignUp", cognito("InvalidParameterException", "1 validation error detected: Value at 'password' failed to satisfy constraint")),
    ).toMatchObject({ field: "password" });
  });

  it("puts code errors next to the code", () => {
    expect(explain("ConfirmSignUp", cognito("CodeMismatchException"))).toMatchObject({ field: "code", text: expect.stringMatching(/not the one/) });
    expect(explain("ConfirmSignUp", cognito("ExpiredCodeException"))).toMatchObject({ field: "code", text: expect.stringMatching(/Resend code/) });
    expect(explain("ConfirmSignUp", cognito("LimitExceededException", "Attempt limit exceeded, please try after some time."))).toMatchObject({
      field: "code",
      text: "Too many attempts. Wait a few minutes and try again.",
    });
    expect(explain("ConfirmSignUp", cognito("NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED"))).toMatchObject({
      field: "code",
      text: expect.stringMatching(/already confirmed/),
    });
  });

  it("tells the shopper when the default sender's daily quota is used up", () => {
    const quota = cognito(
      "LimitExceededException",
      "Exceeded daily email limit for the operation or the account. If a higher limit is required, please configure your user pool to use your own Amazon SES configuration for sending email.",
    );
    expect(explain("SignUp", quota)).toMatchObject({ field: "form", text: expect.stringMatching(/as many e-mails as it may today/) });
    expect(explain("SignUp", cognito("LimitExceededException", "Rate exceeded"))).toMatchObject({ field: "form" });
  });

  it("words the new-password challenge's errors: a refused password next to the field, an ended session as sign in again", () => {
    // AWS's words for RespondToAuthChallenge, and moto's (which names no rule).
    expect(
      explain("RespondToAuthChallenge", cognito("InvalidPasswordException", "Password does not conform to policy: Password not long enough")),
    ).toEqual({ field: "password", code: "InvalidPasswordException", text: "Cognito refused this password: Password not long enough." });
    expect(
      explain(
        "RespondToAuthChallenge",
        cognito("InvalidPasswordException", "The provided password does not confirm to the configured password policy"),
      ),
    ).toMatchObject({ field: "password", text: "Cognito refused this password: The provided password does not confirm to the configured password policy." });

    const expired = [
      cognito("NotAuthorizedException", "Invalid session for the user, session is expired."),
      cognito("NotAuthorizedException", "Invalid session for the user."),
      // moto, for a session it does not know (it never expires one).
      cognito("ResourceNotFoundException", "0b5e2f2c-2f7a-4b36-9d27-6a1a2b0e7a11"),
    ];
    for (const error of expired) {
      expect(isExpiredChallenge(error)).toBe(true);
      expect(explain("RespondToAuthChallenge", error)).toMatchObject({
        field: "form",
        text: expect.stringMatching(/took too long.*Sign in again with the temporary password/),
      });
    }

    // Not an ended session: said as Cognito says it, and the step stays.
    const disabled = cognito("NotAuthorizedException", "User is disabled.");
    expect(isExpiredChallenge(disabled)).toBe(false);
    expect(explain("RespondToAuthChallenge", disabled)).toMatchObject({ field: "form", text: "User is disabled." });
    expect(isExpiredChallenge(cognito("InvalidPasswordException", "session"))).toBe(false);
    expect(isExpiredChallenge(new Error("Invalid session"))).toBe(false);
    // Sign-in's own NotAuthorizedException is still the wrong password.
    expect(explain("InitiateAuth", cognito("NotAuthorizedException", "Incorrect username or password."))).toMatchObject({ field: "password" });
  });

  it("keeps Cognito's message for what it does not know, and words network and plain errors", () => {
    expect(explain("SignUp", cognito("UserLambdaValidationException", "PreSignUp failed"))).toEqual({
      field: "form",
      code: "UserLambdaValidationException",
      text: "PreSignUp failed",
    });
    expect(explain("GlobalSignOut", cognito("NetworkError", "x"))).toMatchObject({ field: "form", text: expect.stringMatching(/could not be reached/) });
    expect(explain("SignUp", new Error("no configuration"))).toEqual({ field: "form", code: "Error", text: "no configuration" });
  });
});
