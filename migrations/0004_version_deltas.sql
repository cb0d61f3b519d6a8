-- Version 3 -> 4: a new version of an offer, advertiser or partner may be kept
-- as its difference from an earlier version of the same resource (zstd with
-- that body as raw-content dictionary), named by reference_body_id. Bodies
-- kept before stay as they are; only the column is added, so the upgrade
-- takes no time on a large archive.
ALTER TABLE bodies ADD COLUMN reference_body_id INTEGER REFERENCES bodies (body_id);
