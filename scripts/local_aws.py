#!/usr/bin/env python3
"""Creates the local stack's AWS resources on moto with the real AWS SDK (boto3), or signs a user
in. Used by scripts/dev; safe to run again (it finds what exists).

  local_aws.py setup ENDPOINT      -> prints shell `export` lines for the services
  local_aws.py token ENDPOINT USER PASSWORD CLIENT_ID -> prints an access token
  local_aws.py users ENDPOINT PREFIX COUNT PASSWORD  -> creates shoppers PREFIX1@example.com ..
                                                        PREFIXCOUNT@example.com (for load tests)
  local_aws.py invite ENDPOINT EMAIL TEMPORARY_PASSWORD -> creates a user as an admin does, who must
                                                        choose a password at the first sign-in;
                                                        prints its status (FORCE_CHANGE_PASSWORD)
"""
import json
import sys

import boto3

QUEUE = "shop-events.fifo"
DLQ = "shop-events-dlq.fifo"
POOL = "shop"
CLIENT = "shop-storefront"
BUCKET = "shop-product-images"
USERS = [("admin@example.com", "Admin-pass-1", True), ("shopper@example.com", "Shopper-pass-1", False),
         ("other@example.com", "Other-pass-1", False)]


def client(service, endpoint):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def setup(endpoint):
    sqs = client("sqs", endpoint)
    dlq_url = sqs.create_queue(QueueName=DLQ, Attributes={"FifoQueue": "true"})["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue_url = sqs.create_queue(QueueName=QUEUE, Attributes={
        "FifoQueue": "true",
        "VisibilityTimeout": "60",
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"}),
    })["QueueUrl"]

    idp = client("cognito-idp", endpoint)
    pools = [p for p in idp.list_user_pools(MaxResults=60)["UserPools"] if p["Name"] == POOL]
    pool_id = pools[0]["Id"] if pools else idp.create_user_pool(PoolName=POOL)["UserPool"]["Id"]
    clients = [c for c in idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
               if c["ClientName"] == CLIENT]
    client_id = clients[0]["ClientId"] if clients else idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName=CLIENT,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    try:
        idp.create_group(UserPoolId=pool_id, GroupName="admin")
    except idp.exceptions.GroupExistsException:
        pass
    for name, password, admin in USERS:
        try:
            idp.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS",
                                  UserAttributes=[{"Name": "email", "Value": name}])
        except idp.exceptions.UsernameExistsException:
            pass
        idp.admin_set_user_password(UserPoolId=pool_id, Username=name, Password=password, Permanent=True)
        if admin:
            idp.admin_add_user_to_group(UserPoolId=pool_id, Username=name, GroupName="admin")

    s3 = client("s3", endpoint)
    try:
        s3.create_bucket(Bucket=BUCKET)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    # The admin console PUTs images straight to the bucket with a presigned URL, from the
    # storefront's origin (CloudFront's, on AWS; Terraform sets the same rule there).
    s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": ["*"], "AllowedMethods": ["PUT"], "AllowedHeaders": ["*"],
        "MaxAgeSeconds": 3000}]})

    issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}"
    print(f"export EVENT_QUEUE_URL={queue_url}")
    print(f"export EVENT_DLQ_URL={dlq_url}")
    print(f"export COGNITO_USER_POOL_ID={pool_id}")
    print(f"export COGNITO_CLIENT_ID={client_id}")
    print(f"export COGNITO_ISSUER={issuer}")
    print(f"export COGNITO_JWKS_URL={endpoint}/{pool_id}/.well-known/jwks.json")
    print(f"export PRODUCT_IMAGES_BUCKET={BUCKET}")


def token(endpoint, user, password, client_id):
    idp = client("cognito-idp", endpoint)
    result = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": user, "PASSWORD": password})
    print(result["AuthenticationResult"]["AccessToken"])


def pool_id_of(idp, endpoint):
    pools = [p for p in idp.list_user_pools(MaxResults=60)["UserPools"] if p["Name"] == POOL]
    if not pools:
        sys.exit(f"no user pool {POOL!r} at {endpoint}: run setup first")
    return pools[0]["Id"]


def users(endpoint, prefix, count, password):
    """Shoppers for load generators: PREFIX1@example.com .. PREFIXn@example.com, one password."""
    idp = client("cognito-idp", endpoint)
    pool_id = pool_id_of(idp, endpoint)
    for i in range(1, int(count) + 1):
        name = f"{prefix}{i}@example.com"
        try:
            idp.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS",
                                  UserAttributes=[{"Name": "email", "Value": name}])
        except idp.exceptions.UsernameExistsException:
            pass
        idp.admin_set_user_password(UserPoolId=pool_id, Username=name, Password=password, Permanent=True)
    print(f"{count} users {prefix}1@example.com .. {prefix}{count}@example.com")


def invite(endpoint, email, temporary_password):
    """A user created with admin-create-user, as the deploy creates the first admin: it stays in
    FORCE_CHANGE_PASSWORD, and signing in with the temporary password answers NEW_PASSWORD_REQUIRED
    until the user sets one of their own. On AWS Cognito generates the temporary password and
    e-mails it; moto does neither (without TemporaryPassword the user has no password at all)."""
    idp = client("cognito-idp", endpoint)
    user = idp.admin_create_user(
        UserPoolId=pool_id_of(idp, endpoint), Username=email, TemporaryPassword=temporary_password,
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
        DesiredDeliveryMediums=["EMAIL"])["User"]
    print(user["UserStatus"])


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "setup":
        setup(sys.argv[2])
    elif len(sys.argv) == 6 and sys.argv[1] == "token":
        token(*sys.argv[2:])
    elif len(sys.argv) == 6 and sys.argv[1] == "users":
        users(*sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "invite":
        invite(*sys.argv[2:])
    else:
        sys.exit(__doc__)
