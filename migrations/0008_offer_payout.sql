-- Version 7 -> 8: an offer's payout and revenue, typed. Each offer row gets
-- the type and amounts of its default relationship.payout_revenue entry
-- (src/everflow/extract/offer_terms.rs), so `query offers --versions` shows
-- what each version paid without reading 160-line bodies by hand.
--
-- Columns are added (no table is rebuilt: O(1) whatever the archive holds)
-- and left NULL here: the amounts are in the compressed bodies, which SQL
-- cannot read. The extraction version goes up with this schema (3,
-- src/store/opening/extraction.rs), so `serve` re-extracts every typed row from its
-- body when it opens the upgraded archive, and fills them in.
ALTER TABLE offers ADD COLUMN payout_type TEXT;
ALTER TABLE offers ADD COLUMN payout_micros INTEGER;
ALTER TABLE offers ADD COLUMN payout_percentage_micros INTEGER;
ALTER TABLE offers ADD COLUMN revenue_type TEXT;
ALTER TABLE offers ADD COLUMN revenue_micros INTEGER;
ALTER TABLE offers ADD COLUMN revenue_percentage_micros INTEGER;
