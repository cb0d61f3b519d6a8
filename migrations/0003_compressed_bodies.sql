-- Schema version 2 → 3. Run by evarchive in one transaction, with foreign keys
-- off, before user_version is set to 3. Cheap on any archive: columns are
-- added, not rewritten, so bodies archived before stay as received (codec 0)
-- and read back as they are; new bodies are stored compressed.
--
-- 1. Bodies are kept compressed (codec, dictionary_id, length) and the column
--    holding them is named for what it holds now: stored.
-- 2. Dictionaries trained from the archive's own bodies.
-- 3. Delivery outcomes follow the resource identity of version 2: a delivery
--    that first archived none of the versions is a duplicate, one that first
--    archived only later versions of known resources is a version. (Version 2
--    merged the versions of one resource under several event types but kept
--    the outcomes version 1 had given, e.g. 'new' for a partner body sent as
--    affiliate_created and again as affiliate_updated.)
-- 4. Counters per kind, so that `stats` is instant: computed here once from
--    what the archive holds (refusals only as far as the capped log goes).

CREATE TABLE dictionaries (
    dictionary_id        INTEGER PRIMARY KEY,
    resource_type        TEXT NOT NULL,
    trained_at           INTEGER NOT NULL,
    samples              INTEGER NOT NULL,
    versions_at_training INTEGER NOT NULL,
    bytes                BLOB NOT NULL
) STRICT;

ALTER TABLE bodies RENAME COLUMN raw TO stored;
ALTER TABLE bodies ADD COLUMN codec INTEGER NOT NULL DEFAULT 0 CHECK (codec = 0 OR codec = 1 OR codec = 2);
ALTER TABLE bodies ADD COLUMN dictionary_id INTEGER REFERENCES dictionaries (dictionary_id);
ALTER TABLE bodies ADD COLUMN length INTEGER;

UPDATE deliveries
SET outcome = CASE
    WHEN NOT EXISTS (SELECT 1 FROM versions AS v WHERE v.first_delivery_id = deliveries.delivery_id)
        THEN 'duplicate'
    WHEN EXISTS (SELECT 1 FROM versions AS v
                 WHERE v.first_delivery_id = deliveries.delivery_id
                   AND NOT EXISTS (SELECT 1 FROM versions AS w
                                   WHERE w.resource_type = v.resource_type
                                     AND w.resource_id = v.resource_id
                                     AND w.first_delivery_id < v.first_delivery_id))
        THEN 'new'
    ELSE 'version'
END
WHERE outcome = 'new' OR outcome = 'version';

CREATE TABLE counters (
    kind              TEXT PRIMARY KEY,
    deliveries        INTEGER NOT NULL DEFAULT 0,
    redeliveries      INTEGER NOT NULL DEFAULT 0,
    versions          INTEGER NOT NULL DEFAULT 0,
    resources         INTEGER NOT NULL DEFAULT 0,
    refused           INTEGER NOT NULL DEFAULT 0,
    first_received_at INTEGER,
    last_received_at  INTEGER
) STRICT;

INSERT INTO counters (kind, deliveries, redeliveries, first_received_at, last_received_at)
SELECT kind, count(*), count(*) FILTER (WHERE outcome = 'duplicate'),
       min(received_at), max(received_at)
FROM deliveries GROUP BY kind;

INSERT INTO counters (kind, versions)
SELECT kind, count(*) FROM versions WHERE true GROUP BY kind
ON CONFLICT (kind) DO UPDATE SET versions = excluded.versions;

-- A resource counts under the kind of its first version.
INSERT INTO counters (kind, resources)
SELECT v.kind, count(*) FROM versions AS v
WHERE v.version_id = (SELECT min(w.version_id) FROM versions AS w
                      WHERE w.resource_type = v.resource_type
                        AND w.resource_id = v.resource_id)
GROUP BY v.kind
ON CONFLICT (kind) DO UPDATE SET resources = excluded.resources;

INSERT INTO counters (kind, refused)
SELECT CASE WHEN kind IN ('offer_created', 'offer_updated', 'advertiser_created',
                          'advertiser_updated', 'advertiser_signed_up', 'affiliate_created',
                          'affiliate_updated', 'affiliate_signed_up', 'affiliate_signup_verdict',
                          'affiliate_approved_for_offer', 'conversion_registered',
                          'event_registered', 'traffic_optimized')
            THEN kind ELSE '' END,
       count(*)
FROM refusals WHERE true GROUP BY 1
ON CONFLICT (kind) DO UPDATE SET refused = excluded.refused;
