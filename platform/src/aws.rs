//! AWS SDK clients, built once from [`Settings`]. Locally `AWS_ENDPOINT_URL` points them at moto.

use aws_config::{BehaviorVersion, Region};

use crate::settings::Settings;

pub async fn sdk_config(config: &Settings) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(config.aws_region.clone()));
    if let Some(endpoint) = &config.aws_endpoint_url {
        loader = loader.endpoint_url(endpoint);
    }
    loader.load().await
}

/// The clients a process builds from one loaded configuration: credentials, region and
/// endpoint are resolved once however many services it calls.
pub struct Clients(aws_config::SdkConfig);

impl Clients {
    pub async fn load(config: &Settings) -> Self {
        Self(sdk_config(config).await)
    }

    /// The loaded configuration, for the clients of services this crate does not name.
    pub fn config(&self) -> &aws_config::SdkConfig {
        &self.0
    }

    pub fn sqs(&self) -> aws_sdk_sqs::Client {
        aws_sdk_sqs::Client::new(&self.0)
    }

    pub fn cloudwatch(&self) -> aws_sdk_cloudwatch::Client {
        aws_sdk_cloudwatch::Client::new(&self.0)
    }

    /// S3 with path-style addressing where an endpoint is set (moto answers on one host, not
    /// one per bucket), and checksums only where S3 requires them: a presigned URL must not ask
    /// the browser for a checksum header it cannot compute.
    pub fn s3(&self) -> aws_sdk_s3::Client {
        let config = aws_sdk_s3::config::Builder::from(&self.0)
            .force_path_style(self.0.endpoint_url().is_some())
            .request_checksum_calculation(
                aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired,
            )
            .build();
        aws_sdk_s3::Client::from_conf(config)
    }
}

pub async fn sqs(config: &Settings) -> aws_sdk_sqs::Client {
    Clients::load(config).await.sqs()
}

pub async fn cloudwatch(config: &Settings) -> aws_sdk_cloudwatch::Client {
    Clients::load(config).await.cloudwatch()
}
