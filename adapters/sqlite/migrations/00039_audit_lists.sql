-- The audit of a list in one record: a request that lists many children
-- writes one audit_log row (who, what, when, the list's record) and names
-- the children in audit_log_children with one INSERT … SELECT from
-- json_each of a JSON array, in the entry's transaction. An entry about one
-- child keeps naming it in audit_log.child_id.
--
-- The children's key leads with the child, so a child's trail is read
-- newest first by keyset from two indexes in one query; the second index
-- serves the entry (its children, and deleting them with it when retention
-- deletes it by age, in the same transaction). No foreign key: the rows are
-- only ever written with their entry. Erasing a child leaves its mentions,
-- as it leaves its own entries.

-- +goose Up
CREATE TABLE audit_log_children (
    municipality TEXT NOT NULL,
    child_id     TEXT NOT NULL CHECK (length(child_id) = 36),
    audit_id     TEXT NOT NULL,
    PRIMARY KEY (municipality, child_id, audit_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX audit_log_children_by_entry ON audit_log_children (municipality, audit_id);

-- +goose Down
DROP TABLE audit_log_children;
