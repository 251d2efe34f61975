import { CognitoError, type Operation } from "./cognito";

/** Which field of the sign-up and sign-in forms an error concerns; `form` when none in particular. */
export type Field = "email" | "password" | "code" | "form";

export type Explained = { field: Field; text: string; code: string };

/**
 * Cognito's error, from one of the storefront's calls, in plain words and next to the field it
 * concerns. Unknown errors keep Cognito's own message.
 */
export function explain(operation: Operation, error: unknown): Explained {
  if (!(error instanceof CognitoError)) {
    return { field: "form", text: error instanceof Error ? error.message : String(error), code: "Error" };
  }
  const at = (field: Field, text: string): Explained => ({ field, text, code: error.code });
  const message = error.message;
  switch (error.code) {
    case "UsernameExistsException":
    case "AliasExistsException":
      return at("email", "An account with this e-mail address already exists.");
    case "InvalidPasswordException":
      return at("password", `Cognito refused this password: ${withoutPrefix(message)}`);
    case "InvalidParameterException":
      // E.g. "Invalid email address format." or "Value at 'password' failed to satisfy constraint".
      if (/password/i.test(message)) return at("password", `Cognito refused this password: ${withoutPrefix(message)}`);
      if (/e-?mail|username/i.test(message)) return at("email", "This is not an e-mail address Cognito accepts.");
      return at("form", message);
    case "CodeMismatchException":
      return at("code", "That code is not the one we sent. Check the e-mail and type it again.");
    case "ExpiredCodeException":
      return at("code", "That code has expired (codes last 24 hours). Press Resend code for a new one.");
    case "TooManyFailedAttemptsException":
      return at("code", "Too many wrong codes. Wait a few minutes, then press Resend code.");
    case "LimitExceededException":
      // Cognito's default sender stops at its daily quota, with this exception.
      if (/daily|e-?mail limit/i.test(message)) {
        return at("form", "The shop has sent as many e-mails as it may today. Try again tomorrow.");
      }
      return at(operation === "ConfirmSignUp" || operation === "ResendConfirmationCode" ? "code" : "form", "Too many attempts. Wait a few minutes and try again.");
    case "TooManyRequestsException":
      return at("form", "Too many requests at once. Wait a moment and try again.");
    case "CodeDeliveryFailureException":
      return at("form", "The e-mail with your code could not be sent. Check the address, or try again later.");
    case "UserNotFoundException":
      return at("email", "There is no account with this e-mail address. Create one first.");
    case "UserNotConfirmedException":
      return at("email", "This account is not confirmed yet: enter the code we e-mailed you.");
    case "NotAuthorizedException":
      if (operation === "RespondToAuthChallenge") return at("form", isExpiredChallenge(error) ? EXPIRED_CHALLENGE : message);
      if (operation === "ConfirmSignUp") return at("code", "This account is already confirmed: sign in.");
      if (operation === "GlobalSignOut") return at("form", "Your session has already ended.");
      if (operation === "InitiateAuth") return at("password", "Incorrect e-mail address or password.");
      return at("form", message);
    case "ResourceNotFoundException":
      // moto's answer to a session it does not know (AWS: NotAuthorizedException, above).
      if (operation === "RespondToAuthChallenge") return at("form", EXPIRED_CHALLENGE);
      return at("form", message);
    case "NetworkError":
      return at("form", "The sign-in service could not be reached. Check your connection and try again.");
    default:
      return at("form", message);
  }
}

const EXPIRED_CHALLENGE =
  "Choosing a new password took too long and Cognito ended that sign-in. Sign in again with the temporary password, then choose the new one.";

/**
 * Whether RespondToAuthChallenge failed because the challenge's session is over: AWS says
 * NotAuthorizedException "Invalid session for the user, session is expired." after 3 minutes (by
 * default), or "Invalid session for the user." for one already used; moto, whose sessions never
 * expire, says ResourceNotFoundException for one it does not know (after a restart, or used). The
 * user has to sign in again for a new session.
 */
export function isExpiredChallenge(error: unknown): boolean {
  if (!(error instanceof CognitoError)) return false;
  return (error.code === "NotAuthorizedException" && /session/i.test(error.message)) || error.code === "ResourceNotFoundException";
}

/**
 * "Password did not conform with policy: Password must have numeric characters" (SignUp) or
 * "Password does not conform to policy: Password not long enough" (RespondToAuthChallenge) -> the reason.
 */
function withoutPrefix(message: string): string {
  const reason = message.replace(/^password (did|does) not conform (with|to) policy:\s*/i, "").trim();
  return /[.!?]$/.test(reason) ? reason : `${reason}.`;
}
