-- Version 5 -> 6: what `evarchive prune` needs to tell, without scanning the
-- archive, whether a body is still delivered or still the reference of
-- another. Builds two indexes (the deliveries' grows with every delivery,
-- about 16 bytes each; the bodies' holds only bodies kept against another).
-- Incremental auto-vacuum cannot be turned on here: only a full VACUUM can
-- change it, so an upgraded archive keeps the pages prune frees for reuse.
CREATE INDEX deliveries_by_body ON deliveries (body_id);
CREATE INDEX bodies_by_reference ON bodies (reference_body_id)
    WHERE reference_body_id IS NOT NULL;
