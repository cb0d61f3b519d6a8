-- Version 4 -> 5: a conversion's typed row keeps only what readers filter,
-- group, sum or show by default, and its kind as a small code (11
-- conversion_registered, 12 event_registered). The long tail of columns is
-- read from the stored body when asked for (the body is the archive's record;
-- the columns were copies). The table is rebuilt, so the upgrade reads every
-- conversion once: measured in BENCHMARKS.md ("Archive v5").
CREATE TABLE conversions_v5 (
    version_id         INTEGER PRIMARY KEY REFERENCES versions (version_id),
    -- The webhook kind as a small code (11 conversion_registered,
    -- 12 event_registered), not its 21-byte name: it leads both indexes.
    kind               INTEGER NOT NULL CHECK (kind = 11 OR kind = 12),
    is_current         INTEGER NOT NULL,
    received_at        INTEGER NOT NULL,
    conversion_id      TEXT,
    conversion_time    INTEGER,
    status             TEXT,
    transaction_id     TEXT,
    is_event           INTEGER,
    event              TEXT,
    currency_id        TEXT,
    payout_micros      INTEGER,
    revenue_micros     INTEGER,
    sale_amount_micros INTEGER,
    offer_id           INTEGER,
    offer_name         TEXT,
    advertiser_id      INTEGER,
    advertiser_name    TEXT,
    affiliate_id       INTEGER,
    affiliate_name     TEXT,
    country            TEXT,
    sub1 TEXT, sub2 TEXT, sub3 TEXT, sub4 TEXT, sub5 TEXT,
    sub6 TEXT, sub7 TEXT, sub8 TEXT, sub9 TEXT, sub10 TEXT
);

INSERT INTO conversions_v5 (version_id, kind, is_current, received_at, conversion_id, conversion_time, status, transaction_id, is_event, event, currency_id, payout_micros, revenue_micros, sale_amount_micros, offer_id, offer_name, advertiser_id, advertiser_name, affiliate_id, affiliate_name, country, sub1, sub2, sub3, sub4, sub5, sub6, sub7, sub8, sub9, sub10)
SELECT version_id,
       CASE kind WHEN 'conversion_registered' THEN 11 WHEN 'event_registered' THEN 12 END,
       is_current, received_at, conversion_id, conversion_time, status, transaction_id, is_event, event, currency_id, payout_micros, revenue_micros, sale_amount_micros, offer_id, offer_name, advertiser_id, advertiser_name, affiliate_id, affiliate_name, country, sub1, sub2, sub3, sub4, sub5, sub6, sub7, sub8, sub9, sub10
FROM conversions;

DROP TABLE conversions;
ALTER TABLE conversions_v5 RENAME TO conversions;
CREATE INDEX conversions_by_time ON conversions (
    kind, conversion_time, is_current, offer_id, affiliate_id, advertiser_id,
    currency_id, status, payout_micros, revenue_micros);
CREATE INDEX conversions_by_received ON conversions (kind, received_at);
