-- evarchive archive schema: the one source of truth, embedded in the binary and
-- applied in one transaction when an archive is created. An archive made by an
-- earlier release is brought to this schema by the numbered files in
-- migrations/ (tests check that both roads lead to the same schema).
--
-- Conventions:
--   * CHECK constraints on rows written per delivery compare with OR, not IN: a
--     list of more than two values makes SQLite build a temporary index on every
--     insert (measured: 12% of the writer's throughput, BENCHMARKS.md);
--   * times of facts are Unix seconds (Everflow's resolution); arrival times are
--     Unix milliseconds (to order deliveries within a second);
--   * every typed row has a time (version 7): its body's when the body carries
--     a plausible one (whole seconds from 2000-01-01 to a day after arrival),
--     else its arrival, and then time_source = 'arrival' (NULL: the body's).
--     A version's fact_time is only ever the body's (NULL when implausible);
--   * money is integer micro-units (2.5 USD = 2500000): exact, and SUM() stays exact;
--   * ids are stored in INTEGER-affinity columns: Everflow's numeric ids become
--     integers whether they arrived as 2 or "2"; a non-numeric id stays text.
--
-- PRAGMA application_id marks the file as an evarchive archive (ASCII "evar");
-- PRAGMA user_version is the schema version a later release migrates from.
PRAGMA application_id = 1702257010;
PRAGMA user_version = 9;
-- Pages that `evarchive prune` frees are given back to the filesystem by
-- PRAGMA incremental_vacuum (version 6; set before the first table, since
-- only a full VACUUM can change it later: archives created earlier keep
-- their freed pages for reuse instead).
PRAGMA auto_vacuum = INCREMENTAL;

-- Every distinct byte sequence received. Kept apart from the rows queries scan,
-- so a 50 KB offer body never slows a report down, and compressed: `stored`
-- is the body as received (codec 0, archives before version 3), zstd (1), or
-- zstd with the trained dictionary `dictionary_id` (2). A zstd body with a
-- `reference_body_id` (version 4) is a new version of an offer, advertiser or
-- partner kept as its difference from an earlier version: that body, as
-- received, is the raw-content dictionary it was compressed with, and is never
-- itself kept against another. `length` is the size as received (NULL for
-- codec 0: length(stored)). sha256 is that of the bytes as received. A
-- redelivery of the same bytes reuses its row (found through the resource's
-- versions, so no index over the random hashes is needed).
-- `evarchive dump` writes every delivery with its body as received.
CREATE TABLE bodies (
    body_id INTEGER PRIMARY KEY,
    sha256  BLOB NOT NULL,
    stored  BLOB NOT NULL,
    codec INTEGER NOT NULL DEFAULT 0 CHECK (codec = 0 OR codec = 1 OR codec = 2),
    dictionary_id INTEGER REFERENCES dictionaries (dictionary_id),
    length INTEGER,
    reference_body_id INTEGER REFERENCES bodies (body_id)
) STRICT;

-- The bodies kept against another, by that one (version 6): only versions
-- of offers, advertisers and partners are in it. `prune` keeps a body that
-- another still needs to be read back.
CREATE INDEX bodies_by_reference ON bodies (reference_body_id)
    WHERE reference_body_id IS NOT NULL;

-- zstd dictionaries trained from the archive's own bodies, per resource type;
-- the newest of a type compresses new bodies, every one stays for reading.
CREATE TABLE dictionaries (
    dictionary_id        INTEGER PRIMARY KEY,
    resource_type        TEXT NOT NULL,
    trained_at           INTEGER NOT NULL,
    samples              INTEGER NOT NULL,
    versions_at_training INTEGER NOT NULL,
    bytes                BLOB NOT NULL
) STRICT;

-- One row per accepted delivery (HTTP request), redeliveries included.
-- url_kind (version 9) is the kind the URL named when the body was surely
-- another resource (an event posted to the conversion URL): the delivery is
-- archived as what its body is (kind, kind_source 'detected'), and url_kind
-- says which webhook is wired to the wrong URL. NULL when URL and body agree.
CREATE TABLE deliveries (
    delivery_id   INTEGER PRIMARY KEY,
    received_at   INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    kind_source   TEXT NOT NULL CHECK (kind_source IN ('declared', 'detected')),
    method        TEXT NOT NULL,
    -- 'new': a resource never seen; 'version': new content for a known resource;
    -- 'restored': content archived before, which becomes current again (a
    -- status that returns to an earlier value); 'duplicate': content already
    -- archived that changes nothing (a redelivery).
    outcome       TEXT NOT NULL CHECK (outcome = 'new' OR outcome = 'version'
                                 OR outcome = 'restored' OR outcome = 'duplicate'),
    body_id       INTEGER NOT NULL REFERENCES bodies (body_id),
    -- The resource identities the delivery carried, comma-separated.
    resource_ids  TEXT NOT NULL,
    sender        TEXT,
    forwarded_for TEXT,
    url_kind TEXT CHECK (url_kind <> kind)
) STRICT;
CREATE INDEX deliveries_by_time ON deliveries (received_at);
-- Whether a body is still delivered by anything, for `prune` (version 6):
-- body ids grow with arrival, so the index grows at its end.
CREATE INDEX deliveries_by_body ON deliveries (body_id);
CREATE INDEX deliveries_by_kind_time ON deliveries (kind, received_at);

-- One row per distinct content of a resource. A resource is identified by its
-- type and id (an offer is one resource whether offer_created or offer_updated
-- carried it); kind is the event type of the delivery that first brought this
-- content. A redelivery of the same content only bumps redeliveries and
-- last_received_at.
CREATE TABLE versions (
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
    -- 1 for the current version: among the versions with the latest fact
    -- time, the one whose content arrived last (Everflow sends no update time
    -- for conversions, and does not guarantee order).
    is_current        INTEGER NOT NULL CHECK (is_current IN (0, 1)),
    UNIQUE (resource_type, resource_id, content_sha256)
) STRICT;
CREATE UNIQUE INDEX versions_one_current ON versions (resource_type, resource_id) WHERE is_current = 1;

-- When content archived before became current again, and by which delivery:
-- with the versions' first arrivals, the sequence of states `show` prints.
CREATE TABLE restorations (
    version_id  INTEGER NOT NULL REFERENCES versions (version_id),
    delivery_id INTEGER REFERENCES deliveries (delivery_id),
    received_at INTEGER NOT NULL
) STRICT;
CREATE INDEX restorations_by_version ON restorations (version_id);

-- Typed columns, one table per family, keyed by version. kind, is_current and the
-- times are repeated here so that queries and reports read one table only;
-- is_current follows the version's.
--
-- A conversion's typed row (version 5) keeps only what readers filter, group,
-- sum or show by default; its long tail (click time, user agent, URL, referer,
-- IPs, device, region and city, adv1…adv10, coupon, order id, notes, errors,
-- query parameters) is read from its body by the same extraction when a
-- query or export asks for it (src/store/writing/conversion_fields.rs).
--
-- Every typed table ends with time_source (version 7, last as ALTER TABLE
-- adds it; offers then has its payout columns, version 8): 'arrival' when
-- the row's time column (conversion_time, time_saved, verdict_time,
-- event_time, time_blocked) holds its arrival because the body carries no
-- plausible time, NULL when it is the body's.
-- (No comment sits before a table's last column: SQLite's DROP COLUMN would
-- leave it commenting out the closing parenthesis.)

CREATE TABLE conversions (
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
    sub6 TEXT, sub7 TEXT, sub8 TEXT, sub9 TEXT, sub10 TEXT,
    time_source TEXT CHECK (time_source = 'arrival')
);
-- Conversions arrive by the million, so their indexes are few and grow at
-- their end (time order): an index keyed by offer or partner would put every
-- new row on a different page and multiply what each commit writes (measured:
-- the three of them cost 40% of the writer's throughput, BENCHMARKS.md).
-- Instead the time index carries the ids, statuses and amounts, so filtering
-- by offer, partner or advertiser within a window, and every report, reads
-- this index alone, never the rows.
CREATE INDEX conversions_by_time ON conversions (
    kind, conversion_time, is_current, offer_id, affiliate_id, advertiser_id,
    currency_id, status, payout_micros, revenue_micros);
CREATE INDEX conversions_by_received ON conversions (kind, received_at);
-- The few conversions dated by their arrival (version 7), so that a report,
-- which reads conversions_by_time alone, can say how many it counted
-- without reading every row.
CREATE INDEX conversions_dated_by_arrival ON conversions (kind, conversion_time)
    WHERE time_source IS NOT NULL;
-- The one index keyed at random (version 9): `query conversions
-- --transaction-id` read every row of its window without it (22-53 ms at
-- 50,000 conversions, now the process's own 5-12 ms). Its price is the one
-- described above: the writer's ceiling fell from 21,100-22,000 to
-- 18,100-18,400 conversions/s (`bench storage`, BENCHMARKS.md); about 41 B
-- a conversion. Queries name it (INDEXED BY): without statistics SQLite
-- prefers conversions_by_time.
CREATE INDEX conversions_by_transaction ON conversions (transaction_id);

-- An offer's payout_* and revenue_* columns (version 8, after time_source
-- as ALTER TABLE adds them) hold what it pays a partner and earns per
-- conversion, from its default relationship.payout_revenue entry:
-- Everflow's type (cpa, cps, cpa_cps, rpa, rps, …) and the amounts that
-- type uses, money in micro-units and percentages in micro-units of a
-- percentage point (35% = 35000000). An amount the type does not use is
-- NULL, not the 0 Everflow sends (src/everflow/extract/offer_terms.rs).
CREATE TABLE offers (
    version_id    INTEGER PRIMARY KEY REFERENCES versions (version_id),
    kind          TEXT NOT NULL,
    is_current    INTEGER NOT NULL,
    received_at   INTEGER NOT NULL,
    offer_id      INTEGER,
    name          TEXT,
    status        TEXT,
    currency_id   TEXT,
    advertiser_id INTEGER,
    time_created  INTEGER,
    -- The version's time: the last save, else the creation, else (version 7)
    -- the arrival, with time_source = 'arrival'.
    time_saved    INTEGER,
    time_source TEXT CHECK (time_source = 'arrival'),
    payout_type TEXT,
    payout_micros INTEGER,
    payout_percentage_micros INTEGER,
    revenue_type TEXT,
    revenue_micros INTEGER,
    revenue_percentage_micros INTEGER
);
CREATE INDEX offers_by_offer ON offers (offer_id, time_saved);
CREATE INDEX offers_by_advertiser ON offers (advertiser_id);
CREATE INDEX offers_by_status ON offers (status);

-- Advertisers and partners share a shape; role tells them apart.
CREATE TABLE accounts (
    version_id                     INTEGER PRIMARY KEY REFERENCES versions (version_id),
    kind                           TEXT NOT NULL,
    is_current                     INTEGER NOT NULL,
    received_at                    INTEGER NOT NULL,
    role                           TEXT NOT NULL CHECK (role IN ('advertiser', 'partner')),
    account_id                     INTEGER,
    name                           TEXT,
    status                         TEXT,
    currency_id                    TEXT,
    time_created                   INTEGER,
    time_saved                     INTEGER,
    has_signup                     INTEGER NOT NULL,
    signup_website_url             TEXT,
    signup_company_description     TEXT,
    signup_referral_code           TEXT,
    signup_advertise_method        TEXT,
    signup_heard_about_us          TEXT,
    signup_legal_type              TEXT,
    signup_promotional_information TEXT,
    signup_country_code            TEXT,
    time_source TEXT CHECK (time_source = 'arrival')
);
CREATE INDEX accounts_by_account ON accounts (role, account_id, time_saved);
CREATE INDEX accounts_by_status ON accounts (role, status);

CREATE TABLE signup_verdicts (
    version_id         INTEGER PRIMARY KEY REFERENCES versions (version_id),
    is_current         INTEGER NOT NULL,
    received_at        INTEGER NOT NULL,
    affiliate_id       INTEGER,
    affiliate_name     TEXT,
    new_status         TEXT,
    employee_id        INTEGER,
    employee_full_name TEXT,
    verdict_time       INTEGER,
    time_source TEXT CHECK (time_source = 'arrival')
);
CREATE INDEX signup_verdicts_by_time ON signup_verdicts (verdict_time);
CREATE INDEX signup_verdicts_by_affiliate ON signup_verdicts (affiliate_id);

CREATE TABLE offer_approvals (
    version_id     INTEGER PRIMARY KEY REFERENCES versions (version_id),
    is_current     INTEGER NOT NULL,
    received_at    INTEGER NOT NULL,
    offer_id       INTEGER,
    affiliate_id   INTEGER,
    event_time     INTEGER,
    offer_name     TEXT,
    affiliate_name TEXT,
    time_source TEXT CHECK (time_source = 'arrival')
);
CREATE INDEX offer_approvals_by_time ON offer_approvals (event_time);
CREATE INDEX offer_approvals_by_offer ON offer_approvals (offer_id);
CREATE INDEX offer_approvals_by_affiliate ON offer_approvals (affiliate_id);

CREATE TABLE blocked_variables (
    version_id          INTEGER PRIMARY KEY REFERENCES versions (version_id),
    is_current          INTEGER NOT NULL,
    received_at         INTEGER NOT NULL,
    blocked_variable_id INTEGER,
    optimization_id     INTEGER,
    optimization_run_id INTEGER,
    variable            TEXT,
    value               TEXT,
    offer_id            INTEGER,
    offer_name          TEXT,
    affiliate_id        INTEGER,
    affiliate_name      TEXT,
    action              TEXT,
    manual_override     INTEGER,
    time_created        INTEGER,
    time_blocked        INTEGER,
    time_blocked_until  INTEGER,
    cvr                 TEXT,
    time_source TEXT CHECK (time_source = 'arrival')
);
CREATE INDEX blocked_variables_by_time ON blocked_variables (time_blocked);
CREATE INDEX blocked_variables_by_offer ON blocked_variables (offer_id);
CREATE INDEX blocked_variables_by_affiliate ON blocked_variables (affiliate_id);

-- Authenticated requests we refused, so an operator can see what Everflow sent
-- that we could not archive. Capped: only the newest 1000 are kept.
CREATE TABLE refusals (
    refusal_id    INTEGER PRIMARY KEY,
    received_at   INTEGER NOT NULL,
    kind          TEXT,
    method        TEXT NOT NULL,
    http_status   INTEGER NOT NULL,
    reason        TEXT NOT NULL,
    detail        TEXT NOT NULL,
    body_length   INTEGER NOT NULL,
    body_prefix   BLOB NOT NULL,
    sender        TEXT
) STRICT;
CREATE TRIGGER refusals_keep_newest_1000 AFTER INSERT ON refusals
BEGIN
    DELETE FROM refusals WHERE refusal_id <= NEW.refusal_id - 1000;
END;

-- Running totals per webhook kind, kept by the writer in the same transaction
-- as the deliveries they count, so `stats` never scans the archive. Refusals
-- whose URL named no known kind count under kind ''.
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

-- Small named values the archive keeps about itself (e.g. the generated token,
-- and since version 7 extraction_version: which extraction made the typed
-- rows, see src/store/opening/extraction.rs).
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
