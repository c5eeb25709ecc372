-- Migration 5 recomputes every _fold column with the normalising
-- store.Fold (NFKC, full case folding, invisible characters dropped); the
-- work is done in Go (refold.go), in this migration's transaction. Nothing
-- changes in the schema.
SELECT 1;
