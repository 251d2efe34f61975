-- Product image uploads handed out to admins (platform::images): a row from the moment the
-- presigned PUT is issued until the image is attached to its product (attached_at) or the upload
-- is swept as abandoned, object and row, so the bucket holds nothing that no product points to.
CREATE TABLE image_uploads
(
    key          text PRIMARY KEY,
    sku          text        NOT NULL,
    content_type text        NOT NULL,
    size_bytes   bigint      NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    attached_at  timestamptz
);
CREATE INDEX image_uploads_abandoned ON image_uploads (created_at) WHERE attached_at IS NULL;
