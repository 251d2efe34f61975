//! Product images in S3: the images bucket (`PRODUCT_IMAGES_BUCKET`; moto's S3 locally), the
//! uploads an admin is handed (a presigned PUT, the key chosen here, the content type and size
//! fixed in the signature), what an uploaded object turned out to be, and the clean-up of
//! uploads nobody attached. Each upload is recorded in `image_uploads` (migration 0008) until it
//! is attached to a product or swept, so nothing stays in the bucket that no product points to.
//!
//! Keys are `images/products/{sku}/{uuid}.{ext}`: served at `/{key}` by CloudFront on AWS and by
//! the gateway locally, never overwritten (a new image is a new key), so what is read about one
//! may be cached for as long as it lives.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use aws_sdk_s3::presigning::PresigningConfig;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

/// The largest image an admin may upload.
pub const MAX_IMAGE_BYTES: i64 = 2 * 1024 * 1024;
/// The content types an image may have, with the key's extension for each.
pub const CONTENT_TYPES: &[(&str, &str)] = &[
    ("image/png", "png"),
    ("image/jpeg", "jpg"),
    ("image/webp", "webp"),
];
/// How long a presigned upload URL works.
pub const UPLOAD_EXPIRES: Duration = Duration::from_secs(15 * 60);
/// An upload not attached to its product this long after it was handed out is abandoned.
pub const ABANDONED_AFTER: Duration = Duration::from_secs(60 * 60);
/// How long what was read about an object is trusted.
const INFO_FOR: Duration = Duration::from_secs(10 * 60);
/// Objects whose info one process keeps.
const INFO_KEPT: usize = 2_000;

/// Where an admin's browser sends the image.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Upload {
    /// The object's key; attach it to the product once the PUT succeeded.
    pub key: String,
    /// Send the image here with `method`, and exactly `headers`.
    pub url: String,
    pub method: String,
    pub headers: HashMap<String, String>,
    pub expires_at: DateTime<Utc>,
}

/// What S3 says an object is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ObjectInfo {
    pub content_type: String,
    pub size_bytes: i64,
    pub last_modified: DateTime<Utc>,
}

/// An upload handed out and not attached yet.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Pending {
    pub key: String,
    pub sku: String,
    pub content_type: String,
    pub size_bytes: i64,
}

/// Why an upload is refused, naming the field at fault.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("content_type must be one of image/png, image/jpeg, image/webp")]
    ContentType,
    #[error("size_bytes must be between 1 and {MAX_IMAGE_BYTES}")]
    Size,
    #[error("key is not an upload handed out for this product (or it was abandoned)")]
    NotAnUpload,
    #[error("key: nothing was uploaded there; PUT the image to the upload's url first")]
    NotUploaded,
    #[error("key: the uploaded object is {0}, not what the upload allowed; it was deleted")]
    NotAsAllowed(String),
    #[error("the images bucket could not be reached: {0}")]
    Storage(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl ImageError {
    /// The request field at fault, when it is the caller's.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::ContentType => Some("content_type"),
            Self::Size => Some("size_bytes"),
            Self::NotAnUpload | Self::NotUploaded | Self::NotAsAllowed(_) => Some("key"),
            Self::Storage(_) | Self::Database(_) => None,
        }
    }
}

fn storage(error: impl std::error::Error) -> ImageError {
    ImageError::Storage(format!("{}", aws_sdk_s3::error::DisplayErrorContext(error)))
}

/// The images bucket, and what this process read about its objects.
pub struct Images {
    s3: aws_sdk_s3::Client,
    bucket: String,
    info: Mutex<HashMap<String, (Instant, Option<ObjectInfo>)>>,
}

impl Images {
    pub fn new(s3: aws_sdk_s3::Client, bucket: String) -> Self {
        Self {
            s3,
            bucket,
            info: Mutex::new(HashMap::new()),
        }
    }

    /// Hands out an upload of one image of `content_type` and `size_bytes` for product `sku`,
    /// and records it so that it is attached or swept.
    pub async fn upload(
        &self,
        pool: &PgPool,
        sku: &str,
        content_type: &str,
        size_bytes: i64,
    ) -> Result<Upload, ImageError> {
        let extension = CONTENT_TYPES
            .iter()
            .find(|(t, _)| *t == content_type)
            .map(|(_, e)| *e)
            .ok_or(ImageError::ContentType)?;
        if !(1..=MAX_IMAGE_BYTES).contains(&size_bytes) {
            return Err(ImageError::Size);
        }
        let key = format!("images/products/{sku}/{}.{extension}", Uuid::now_v7());
        let presigned = self
            .s3
            .put_object()
            .bucket(&self.bucket)
            .key(&key)
            .content_type(content_type)
            .content_length(size_bytes)
            .presigned(PresigningConfig::expires_in(UPLOAD_EXPIRES).map_err(storage)?)
            .await
            .map_err(storage)?;
        sqlx::query(
            "INSERT INTO image_uploads (key, sku, content_type, size_bytes) VALUES ($1, $2, $3, $4)",
        )
        .bind(&key)
        .bind(sku)
        .bind(content_type)
        .bind(size_bytes)
        .execute(pool)
        .await?;
        Ok(Upload {
            key,
            url: presigned.uri().to_string(),
            method: presigned.method().to_string(),
            headers: presigned
                .headers()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .filter(|(name, _)| !name.eq_ignore_ascii_case("host"))
                .collect(),
            expires_at: Utc::now() + UPLOAD_EXPIRES,
        })
    }

    /// The upload `key` handed out for `sku` and not attached yet, after checking that the object
    /// is there and is what the upload allowed (an object that is not is deleted with its record).
    pub async fn uploaded(
        &self,
        pool: &PgPool,
        sku: &str,
        key: &str,
    ) -> Result<(Pending, ObjectInfo), ImageError> {
        let pending: Pending = sqlx::query_as(
            "SELECT key, sku, content_type, size_bytes FROM image_uploads
              WHERE key = $1 AND sku = $2 AND attached_at IS NULL",
        )
        .bind(key)
        .bind(sku)
        .fetch_optional(pool)
        .await?
        .ok_or(ImageError::NotAnUpload)?;
        let info = self.head(key).await?.ok_or(ImageError::NotUploaded)?;
        // S3 holds a presigned PUT to the signed type and length; moto does not check
        // signatures, so this is checked here as well.
        if info.content_type != pending.content_type || info.size_bytes != pending.size_bytes {
            self.forget(pool, key).await?;
            return Err(ImageError::NotAsAllowed(format!(
                "{} of {} bytes",
                info.content_type, info.size_bytes
            )));
        }
        Ok((pending, info))
    }

    /// Records that `key` is now a product's image: it is no longer swept.
    pub async fn attached(&self, pool: &PgPool, key: &str) -> sqlx::Result<()> {
        sqlx::query("UPDATE image_uploads SET attached_at = clock_timestamp() WHERE key = $1")
            .bind(key)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// Deletes the object at `key` and its record (an image replaced, or refused).
    pub async fn forget(&self, pool: &PgPool, key: &str) -> Result<(), ImageError> {
        self.s3
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(storage)?;
        sqlx::query("DELETE FROM image_uploads WHERE key = $1")
            .bind(key)
            .execute(pool)
            .await?;
        self.info.lock().expect("never poisoned").remove(key);
        Ok(())
    }

    /// Deletes at most `limit` uploads handed out more than [`ABANDONED_AFTER`] ago and never
    /// attached, object and record. Returns how many.
    pub async fn sweep(&self, pool: &PgPool, limit: i64) -> Result<usize, ImageError> {
        let abandoned: Vec<String> = sqlx::query_scalar(
            "SELECT key FROM image_uploads
              WHERE attached_at IS NULL AND created_at < clock_timestamp() - make_interval(secs => $1)
              ORDER BY created_at LIMIT $2",
        )
        .bind(ABANDONED_AFTER.as_secs_f64())
        .bind(limit)
        .fetch_all(pool)
        .await?;
        for key in &abandoned {
            self.forget(pool, key).await?;
        }
        if !abandoned.is_empty() {
            tracing::info!(swept = abandoned.len(), "deleted abandoned image uploads");
        }
        Ok(abandoned.len())
    }

    /// What the object at `key` is (`None`: no such object), from S3 or from what this process
    /// read within [`INFO_FOR`]: keys are never overwritten.
    pub async fn info(&self, key: &str) -> Result<Option<ObjectInfo>, ImageError> {
        if let Some((at, info)) = self.info.lock().expect("never poisoned").get(key)
            && at.elapsed() < INFO_FOR
        {
            return Ok(info.clone());
        }
        let info = self.head(key).await?;
        let mut kept = self.info.lock().expect("never poisoned");
        if kept.len() >= INFO_KEPT {
            kept.retain(|_, (at, _)| at.elapsed() < INFO_FOR);
            if kept.len() >= INFO_KEPT {
                kept.clear();
            }
        }
        kept.insert(key.to_string(), (Instant::now(), info.clone()));
        Ok(info)
    }

    async fn head(&self, key: &str) -> Result<Option<ObjectInfo>, ImageError> {
        match self
            .s3
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(head) => Ok(Some(ObjectInfo {
                content_type: head.content_type().unwrap_or_default().to_string(),
                size_bytes: head.content_length().unwrap_or_default(),
                last_modified: head
                    .last_modified()
                    .and_then(|t| DateTime::from_timestamp(t.secs(), t.subsec_nanos()))
                    .unwrap_or_default(),
            })),
            Err(error) if error.as_service_error().is_some_and(|e| e.is_not_found()) => Ok(None),
            Err(error) => Err(storage(error)),
        }
    }

    /// The object at `key`, for the gateway's `/images/*` (CloudFront's job on AWS).
    pub async fn get(
        &self,
        key: &str,
    ) -> Result<Option<aws_sdk_s3::operation::get_object::GetObjectOutput>, ImageError> {
        match self
            .s3
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(object) => Ok(Some(object)),
            Err(error) if error.as_service_error().is_some_and(|e| e.is_no_such_key()) => Ok(None),
            Err(error) => Err(storage(error)),
        }
    }
}

/// The key of an image served at `image_url` (`/images/...`), if it is one of ours.
pub fn key_of(image_url: &str) -> Option<&str> {
    image_url
        .strip_prefix('/')
        .filter(|key| key.starts_with("images/"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_urls_under_images_are_keys() {
        assert_eq!(
            super::key_of("/images/products/TEA/a.png"),
            Some("images/products/TEA/a.png")
        );
        assert_eq!(super::key_of("https://cdn.example/a.png"), None);
        assert_eq!(super::key_of("/api/products"), None);
    }
}
