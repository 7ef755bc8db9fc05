-- The audit of a list in one record: a request that lists many children
-- writes one audit_log row (who, what, when, the list's record) and names
-- the children in audit_log_children, both in one statement (a data-
-- modifying WITH and an unnest of a uuid[] parameter). An entry about one
-- child keeps naming it in audit_log.child_id, so nothing written before
-- moves.
--
-- The children's key leads with the child, so a child's trail (an entry's
-- child_id, or a list naming the child) is read newest first by keyset from
-- two indexes in one query. The second index serves the entry: its children
-- read with it, and deleted with it when retention deletes the entry by age
-- (in the same statement). No foreign key: the rows are only ever written
-- in the statement that writes their entry, and a key checked row by row
-- doubled the time of writing a list of 2,000.
-- Erasing a child leaves its mentions, as it leaves its own entries: the
-- ID says nothing once the child's data is gone, and the log is the
-- municipality's proof of who read what.

-- +goose Up
CREATE TABLE audit_log_children (
    municipality text NOT NULL,
    child_id     uuid NOT NULL,
    audit_id     uuid NOT NULL,
    CONSTRAINT audit_log_children_pkey PRIMARY KEY (municipality, child_id, audit_id)
);

CREATE INDEX audit_log_children_by_entry ON audit_log_children (municipality, audit_id);

SELECT oppvekst_wall('audit_log_children');

-- +goose Down
DROP TABLE audit_log_children;
