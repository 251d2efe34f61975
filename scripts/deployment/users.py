"""Users the deployment makes in the pool: the first admin, and short-lived users for the
deploy's own calls to the API (seeding the catalog, the smoke test).

The first admin gets no password from us. Cognito makes a temporary one and e-mails it (the
invitation); at the first sign-in Cognito asks for a new one, which the storefront's sign-in
page handles. So no password ever passes through this script, its logs or a CI job summary.

A temporary user's password is made here, lives in this process only, and the user is deleted
when the work is done, whatever happened.
"""

import contextlib
import secrets
import string

import botocore.exceptions

from .report import DeployError, info


def first_admin(idp, pool_id, email, group="admin"):
    """Creates EMAIL (invited by Cognito's e-mail) and puts it in the admin group; a rerun
    leaves an existing user's password alone and only makes sure of the group."""
    try:
        idp.admin_create_user(
            UserPoolId=pool_id, Username=email, DesiredDeliveryMediums=["EMAIL"],
            UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}])
        info(f"admin {email} created; Cognito e-mails them a temporary password, to be changed at first sign-in")
    except idp.exceptions.UsernameExistsException:
        info(f"admin {email} already exists; password unchanged")
    except botocore.exceptions.ClientError as error:
        raise DeployError(f"creating the admin user {email}: {error.response['Error']['Message']}")
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username=email, GroupName=group)


def _password():
    """Satisfies any pool policy: length 24 with every character class."""
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _ in range(20))
    return body + secrets.choice(string.ascii_uppercase) + secrets.choice(string.ascii_lowercase) + \
        secrets.choice(string.digits) + "!"


@contextlib.contextmanager
def temporary_user(idp, pool_id, client_id, purpose, admin=False):
    """A signed-in user for the duration of the block: yields its access token."""
    email = f"{purpose}-{secrets.token_hex(4)}@example.invalid"
    password = _password()
    idp.admin_create_user(UserPoolId=pool_id, Username=email, MessageAction="SUPPRESS",
                          TemporaryPassword=password,
                          UserAttributes=[{"Name": "email", "Value": email},
                                          {"Name": "email_verified", "Value": "true"}])
    try:
        idp.admin_set_user_password(UserPoolId=pool_id, Username=email, Password=password, Permanent=True)
        if admin:
            idp.admin_add_user_to_group(UserPoolId=pool_id, Username=email, GroupName="admin")
        answer = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": email, "PASSWORD": password})
        if "AuthenticationResult" not in answer:
            raise DeployError(f"signing in {email} returned the challenge {answer.get('ChallengeName')}")
        yield email, answer["AuthenticationResult"]["AccessToken"]
    finally:
        with contextlib.suppress(botocore.exceptions.ClientError):
            idp.admin_delete_user(UserPoolId=pool_id, Username=email)
