-- Version 8 -> 9: a delivery whose body was surely another resource than
-- the kind its URL named (an event posted to the conversion URL) is archived
-- as what it is, and deliveries.url_kind keeps the URL's kind (NULL when they
-- agree). Deliveries archived before keep the kind of their URL: nothing is
-- re-read, so the column is added empty (O(1) whatever the archive holds).
ALTER TABLE deliveries ADD COLUMN url_kind TEXT CHECK (url_kind <> kind);

-- `query conversions --transaction-id` read every row of its window; the
-- index is built from the conversions already archived.
CREATE INDEX conversions_by_transaction ON conversions (transaction_id);
