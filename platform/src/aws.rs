//! AWS SDK clients, built once from [`Config`]. Locally `AWS_ENDPOINT_URL` points them at moto.

use aws_config::{BehaviorVersion, Region};

use crate::config::Config;

pub async fn sdk_config(config: &Config) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(config.aws_region.clone()));
    if let Some(endpoint) = &config.aws_endpoint_url {
        loader = loader.endpoint_url(endpoint);
    }
    loader.load().await
}

pub async fn sqs(config: &Config) -> aws_sdk_sqs::Client {
    aws_sdk_sqs::Client::new(&sdk_config(config).await)
}
