-- Version 6 -> 7: every record has a time. A typed row whose body carries no
-- plausible time (none, null, 0, text, before 2000-01-01, or more than a day
-- after its arrival: milliseconds sent as seconds, the far future) is dated
-- by its arrival, and says so in time_source ('arrival'; NULL: its body's).
-- Before, such rows were in no window: query, report and export left them
-- out without a word. A version's fact_time keeps only a plausible body time
-- (it orders versions; an undated one orders before every dated one).
--
-- Columns are added (no table is rebuilt: O(1) whatever the archive holds);
-- the updates touch only the rows without a plausible time. The same rule is
-- src/store/writing/dating.rs, which dates new rows; `serve` re-extracts every typed
-- row after this upgrade (the extraction version, src/store/opening/extraction.rs),
-- which would correct any row this file dated otherwise.
ALTER TABLE conversions ADD COLUMN time_source TEXT CHECK (time_source = 'arrival');
ALTER TABLE offers ADD COLUMN time_source TEXT CHECK (time_source = 'arrival');
ALTER TABLE accounts ADD COLUMN time_source TEXT CHECK (time_source = 'arrival');
ALTER TABLE signup_verdicts ADD COLUMN time_source TEXT CHECK (time_source = 'arrival');
ALTER TABLE offer_approvals ADD COLUMN time_source TEXT CHECK (time_source = 'arrival');
ALTER TABLE blocked_variables ADD COLUMN time_source TEXT CHECK (time_source = 'arrival');

-- Versions first, while the typed rows still hold the times as sent.
UPDATE versions
SET fact_time = (
    SELECT CASE
        WHEN t.time_saved >= 946684800 AND t.time_saved <= t.received_at / 1000 + 86400
            THEN t.time_saved
        WHEN coalesce(t.time_saved < 946684800 OR t.time_saved >= 9007199254740992, 1)
             AND t.time_created >= 946684800 AND t.time_created <= t.received_at / 1000 + 86400
            THEN t.time_created
    END
    FROM offers AS t WHERE t.version_id = versions.version_id
    UNION ALL
    SELECT CASE
        WHEN t.time_saved >= 946684800 AND t.time_saved <= t.received_at / 1000 + 86400
            THEN t.time_saved
        WHEN coalesce(t.time_saved < 946684800 OR t.time_saved >= 9007199254740992, 1)
             AND t.time_created >= 946684800 AND t.time_created <= t.received_at / 1000 + 86400
            THEN t.time_created
    END
    FROM accounts AS t WHERE t.version_id = versions.version_id
)
WHERE resource_type IN ('offer', 'advertiser', 'partner')
  AND fact_time IS NOT NULL
  AND NOT (fact_time >= 946684800 AND fact_time <= first_received_at / 1000 + 86400);
UPDATE versions SET fact_time = NULL
WHERE resource_type NOT IN ('offer', 'advertiser', 'partner')
  AND fact_time IS NOT NULL
  AND NOT (fact_time >= 946684800 AND fact_time <= first_received_at / 1000 + 86400);

UPDATE conversions SET conversion_time = received_at / 1000, time_source = 'arrival'
WHERE conversion_time IS NULL OR conversion_time < 946684800
   OR conversion_time > received_at / 1000 + 86400;
UPDATE signup_verdicts SET verdict_time = received_at / 1000, time_source = 'arrival'
WHERE verdict_time IS NULL OR verdict_time < 946684800
   OR verdict_time > received_at / 1000 + 86400;
UPDATE offer_approvals SET event_time = received_at / 1000, time_source = 'arrival'
WHERE event_time IS NULL OR event_time < 946684800
   OR event_time > received_at / 1000 + 86400;
UPDATE blocked_variables SET time_blocked = received_at / 1000, time_source = 'arrival'
WHERE time_blocked IS NULL OR time_blocked < 946684800
   OR time_blocked > received_at / 1000 + 86400;
-- An offer's or account's time is its last save, else its creation, else
-- its arrival; a save time that is a time but too late for its arrival
-- dates the row by the arrival (the extraction picks between the two
-- without knowing the arrival).
UPDATE offers
SET time_saved = CASE
        WHEN coalesce(time_saved < 946684800 OR time_saved >= 9007199254740992, 1)
             AND time_created >= 946684800 AND time_created <= received_at / 1000 + 86400
            THEN time_created
        ELSE received_at / 1000
    END,
    time_source = CASE
        WHEN coalesce(time_saved < 946684800 OR time_saved >= 9007199254740992, 1)
             AND time_created >= 946684800 AND time_created <= received_at / 1000 + 86400
            THEN NULL
        ELSE 'arrival'
    END
WHERE NOT coalesce(time_saved >= 946684800 AND time_saved <= received_at / 1000 + 86400, 0);
UPDATE accounts
SET time_saved = CASE
        WHEN coalesce(time_saved < 946684800 OR time_saved >= 9007199254740992, 1)
             AND time_created >= 946684800 AND time_created <= received_at / 1000 + 86400
            THEN time_created
        ELSE received_at / 1000
    END,
    time_source = CASE
        WHEN coalesce(time_saved < 946684800 OR time_saved >= 9007199254740992, 1)
             AND time_created >= 946684800 AND time_created <= received_at / 1000 + 86400
            THEN NULL
        ELSE 'arrival'
    END
WHERE NOT coalesce(time_saved >= 946684800 AND time_saved <= received_at / 1000 + 86400, 0);

CREATE INDEX conversions_dated_by_arrival ON conversions (kind, conversion_time)
    WHERE time_source IS NOT NULL;
