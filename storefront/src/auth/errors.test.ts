import { describe, expect, it } from "vitest";
import { CognitoError } from "./cognito";
import { explain } from "./errors";

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
