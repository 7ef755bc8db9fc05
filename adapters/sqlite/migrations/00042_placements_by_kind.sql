-- The reports count the placements of one kind in force on a day
-- (reports.Counter.PlacedCounts): an index by kind and start that holds
-- every column the count reads from placements, so the count walks only
-- the kind's placements that started by the day.

-- +goose Up
CREATE INDEX placements_by_kind ON placements (municipality, kind, start_date, end_date, unit_id, child_id, hours_per_week);

-- +goose Down
DROP INDEX placements_by_kind;
