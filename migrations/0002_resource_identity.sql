-- Schema version 1 → 2. Run by evarchive in one transaction, with foreign keys
-- off, before user_version is set to 2.
--
-- 1. A resource is identified by its resource type and id, not by the event
--    type that carried it: versions gain resource_type, and the same content of
--    one resource archived under two event types (a partner body sent as
--    affiliate_created and as affiliate_updated) becomes one version, whose
--    first arrival is the earliest and whose redeliveries count the others.
-- 2. Offers, advertisers and partners are dated by their last save
--    (time_saved, else time_created) whichever event type carried them.
-- 3. The current version of a resource is, among its versions with the latest
--    fact time, the one whose content arrived last. Version 1 kept the first to
--    arrive on a tie, so a status that returned to an earlier value (approved →
--    rejected → approved) stayed at the middle one.
-- 4. Deliveries gain the outcome 'restored', and restorations records when
--    content archived before became current again. From version 1 only the last
--    such return of each resource can be recovered (from last_received_at).

CREATE TEMP TABLE kind_types (kind TEXT PRIMARY KEY, resource_type TEXT NOT NULL);
INSERT INTO kind_types (kind, resource_type) VALUES
    ('offer_created', 'offer'), ('offer_updated', 'offer'),
    ('advertiser_created', 'advertiser'), ('advertiser_updated', 'advertiser'),
    ('advertiser_signed_up', 'advertiser'),
    ('affiliate_created', 'partner'), ('affiliate_updated', 'partner'),
    ('affiliate_signed_up', 'partner'),
    ('affiliate_signup_verdict', 'signup_verdict'),
    ('affiliate_approved_for_offer', 'offer_approval'),
    ('conversion_registered', 'conversion'), ('event_registered', 'event'),
    ('traffic_optimized', 'blocked_variable');

UPDATE versions
SET fact_time = (SELECT coalesce(o.time_saved, o.time_created)
                 FROM offers AS o WHERE o.version_id = versions.version_id)
WHERE kind IN ('offer_created', 'offer_updated');
UPDATE versions
SET fact_time = (SELECT coalesce(a.time_saved, a.time_created)
                 FROM accounts AS a WHERE a.version_id = versions.version_id)
WHERE kind IN ('advertiser_created', 'advertiser_updated', 'advertiser_signed_up',
               'affiliate_created', 'affiliate_updated', 'affiliate_signed_up');

-- Each version and the one it is merged into (itself, unless it repeats the
-- content of an earlier version of the same resource).
CREATE TEMP TABLE merged_into AS
SELECT v.version_id, k.resource_type,
       first_value(v.version_id) OVER (
           PARTITION BY k.resource_type, v.resource_id, v.content_sha256
           ORDER BY v.version_id) AS keep
FROM versions AS v JOIN kind_types AS k ON k.kind = v.kind;

CREATE TABLE versions_v2 (
    version_id        INTEGER PRIMARY KEY,
    resource_type     TEXT NOT NULL CHECK (resource_type = 'offer' OR resource_type = 'advertiser'
                          OR resource_type = 'partner' OR resource_type = 'signup_verdict'
                          OR resource_type = 'offer_approval' OR resource_type = 'conversion'
                          OR resource_type = 'event' OR resource_type = 'blocked_variable'),
    resource_id       TEXT NOT NULL,
    kind              TEXT NOT NULL,
    content_sha256    BLOB NOT NULL,
    body_id           INTEGER NOT NULL REFERENCES bodies (body_id),
    first_delivery_id INTEGER NOT NULL REFERENCES deliveries (delivery_id),
    fact_time         INTEGER,
    first_received_at INTEGER NOT NULL,
    last_received_at  INTEGER NOT NULL,
    redeliveries      INTEGER NOT NULL DEFAULT 0,
    is_current        INTEGER NOT NULL CHECK (is_current IN (0, 1)),
    UNIQUE (resource_type, resource_id, content_sha256)
) STRICT;

INSERT INTO versions_v2 (version_id, resource_type, resource_id, kind, content_sha256, body_id,
                         first_delivery_id, fact_time, first_received_at, last_received_at,
                         redeliveries, is_current)
SELECT k.version_id, m.resource_type, k.resource_id, k.kind, k.content_sha256, k.body_id,
       k.first_delivery_id, k.fact_time, min(v.first_received_at), max(v.last_received_at),
       sum(v.redeliveries) + count(*) - 1, 0
FROM merged_into AS m
JOIN versions AS k ON k.version_id = m.keep
JOIN versions AS v ON v.version_id = m.version_id
GROUP BY m.keep;

DELETE FROM conversions WHERE version_id NOT IN (SELECT version_id FROM versions_v2);
DELETE FROM offers WHERE version_id NOT IN (SELECT version_id FROM versions_v2);
DELETE FROM accounts WHERE version_id NOT IN (SELECT version_id FROM versions_v2);
DELETE FROM signup_verdicts WHERE version_id NOT IN (SELECT version_id FROM versions_v2);
DELETE FROM offer_approvals WHERE version_id NOT IN (SELECT version_id FROM versions_v2);
DELETE FROM blocked_variables WHERE version_id NOT IN (SELECT version_id FROM versions_v2);

UPDATE versions_v2 SET is_current = 1
WHERE version_id IN (
    SELECT version_id FROM (
        SELECT version_id,
               row_number() OVER (
                   PARTITION BY resource_type, resource_id
                   ORDER BY fact_time IS NULL, fact_time DESC, last_received_at DESC,
                            version_id DESC) AS rank
        FROM versions_v2)
    WHERE rank = 1);

DROP TABLE versions;
ALTER TABLE versions_v2 RENAME TO versions;
CREATE UNIQUE INDEX versions_one_current ON versions (resource_type, resource_id) WHERE is_current = 1;

UPDATE conversions SET is_current = (SELECT v.is_current FROM versions AS v
                                     WHERE v.version_id = conversions.version_id);
UPDATE offers SET is_current = (SELECT v.is_current FROM versions AS v
                                WHERE v.version_id = offers.version_id);
UPDATE accounts SET is_current = (SELECT v.is_current FROM versions AS v
                                  WHERE v.version_id = accounts.version_id);
UPDATE signup_verdicts SET is_current = (SELECT v.is_current FROM versions AS v
                                         WHERE v.version_id = signup_verdicts.version_id);
UPDATE offer_approvals SET is_current = (SELECT v.is_current FROM versions AS v
                                         WHERE v.version_id = offer_approvals.version_id);
UPDATE blocked_variables SET is_current = (SELECT v.is_current FROM versions AS v
                                           WHERE v.version_id = blocked_variables.version_id);

-- Deliveries: the same table with 'restored' allowed.
CREATE TABLE deliveries_v2 (
    delivery_id   INTEGER PRIMARY KEY,
    received_at   INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    kind_source   TEXT NOT NULL CHECK (kind_source IN ('declared', 'detected')),
    method        TEXT NOT NULL,
    outcome       TEXT NOT NULL CHECK (outcome = 'new' OR outcome = 'version'
                                 OR outcome = 'restored' OR outcome = 'duplicate'),
    body_id       INTEGER NOT NULL REFERENCES bodies (body_id),
    resource_ids  TEXT NOT NULL,
    sender        TEXT,
    forwarded_for TEXT
) STRICT;
INSERT INTO deliveries_v2 SELECT * FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_v2 RENAME TO deliveries;
CREATE INDEX deliveries_by_time ON deliveries (received_at);
CREATE INDEX deliveries_by_kind_time ON deliveries (kind, received_at);

CREATE TABLE restorations (
    version_id  INTEGER NOT NULL REFERENCES versions (version_id),
    delivery_id INTEGER REFERENCES deliveries (delivery_id),
    received_at INTEGER NOT NULL
) STRICT;
CREATE INDEX restorations_by_version ON restorations (version_id);

-- A current version received again after another version with its fact time
-- first arrived was restored by that last delivery.
INSERT INTO restorations (version_id, delivery_id, received_at)
SELECT c.version_id,
       (SELECT d.delivery_id FROM deliveries AS d JOIN kind_types AS k ON k.kind = d.kind
        WHERE d.received_at = c.last_received_at AND d.outcome = 'duplicate'
          AND k.resource_type = c.resource_type
          AND instr(',' || d.resource_ids || ',', ',' || c.resource_id || ',') > 0
        ORDER BY d.delivery_id DESC LIMIT 1),
       c.last_received_at
FROM versions AS c
WHERE c.is_current = 1
  AND EXISTS (SELECT 1 FROM versions AS w
              WHERE w.resource_type = c.resource_type AND w.resource_id = c.resource_id
                AND w.version_id <> c.version_id AND w.fact_time IS c.fact_time
                AND w.first_received_at > c.first_received_at
                AND w.first_received_at < c.last_received_at);
UPDATE deliveries SET outcome = 'restored'
WHERE delivery_id IN (SELECT delivery_id FROM restorations WHERE delivery_id IS NOT NULL);
-- Version 1 counted that delivery as a redelivery; a restoration is not one.
UPDATE versions SET redeliveries = redeliveries - 1
WHERE version_id IN (SELECT version_id FROM restorations WHERE delivery_id IS NOT NULL);

DROP TABLE temp.kind_types;
DROP TABLE temp.merged_into;
