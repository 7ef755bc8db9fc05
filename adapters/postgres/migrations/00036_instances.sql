-- Several instances of the app on one database.
--
-- attempts: the login attempts of each client, counted in fixed windows,
-- so that the limit holds across the instances. The key names the client
-- (a hash of its address), not a municipality: an attempt comes before
-- anyone is known, so the table is the deployment's.
--
-- Row-level security, a second wall behind the queries' own scoping: every
-- table with a municipality column gets the policy municipality_wall, which
-- shows and accepts a role subject to it only the rows of the municipality
-- in the setting oppvekst.municipality (set by the store for each
-- connection from the call's context), or every row when the setting is
-- '*' (the explicit path of a job across municipalities). No setting: no
-- rows. The table owner (the role that migrates) and superusers are not
-- subject to it; the app is, when it runs as the role oppvekst_app
-- (postgres.Options.Role): NOLOGIN, granted the rows of each schema
-- migrated here, taken on by SET ROLE on each connection. A later
-- migration's new table is walled by SELECT oppvekst_wall('<table>');
-- a test checks that none is left out.

-- +goose Up
CREATE TABLE attempts (
    key          TEXT NOT NULL CHECK (key <> '' AND length(key) <= 200),
    window_start TIMESTAMPTZ NOT NULL,
    n            INTEGER NOT NULL CHECK (n > 0),
    PRIMARY KEY (key, window_start)
);
CREATE INDEX attempts_by_window ON attempts (window_start);

-- +goose StatementBegin
CREATE FUNCTION oppvekst_wall(tbl regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format($p$CREATE POLICY municipality_wall ON %s
        USING (municipality = current_setting('oppvekst.municipality', true)
            OR current_setting('oppvekst.municipality', true) = '*')$p$, tbl);
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE
    t regclass;
BEGIN
    FOR t IN
        SELECT c.oid::regclass FROM pg_class c
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'municipality' AND NOT a.attisdropped
        WHERE c.relkind IN ('r', 'p') AND c.relnamespace = current_schema()::regnamespace
    LOOP
        PERFORM oppvekst_wall(t);
    END LOOP;

    -- The role is the cluster's; several schemas (and their concurrent
    -- migrations) share it.
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'oppvekst_app') THEN
        BEGIN
            CREATE ROLE oppvekst_app NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        WHEN insufficient_privilege THEN
            RAISE NOTICE 'role oppvekst_app not created (no CREATEROLE): create it and grant it the tables to use postgres.Options.Role';
        END;
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'oppvekst_app') THEN
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO oppvekst_app', current_schema());
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO oppvekst_app', current_schema());
        EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO oppvekst_app', current_schema());
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO oppvekst_app', current_schema());
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO oppvekst_app', current_schema());
        IF NOT pg_has_role(current_user, 'oppvekst_app', 'MEMBER') THEN
            BEGIN
                EXECUTE format('GRANT oppvekst_app TO %I', current_user);
            EXCEPTION WHEN others THEN
                RAISE NOTICE 'oppvekst_app not granted to %: grant it to use postgres.Options.Role', current_user;
            END;
        END IF;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DO $$
DECLARE
    t regclass;
BEGIN
    FOR t IN
        SELECT format('%I.%I', p.schemaname, p.tablename)::regclass FROM pg_policies p
        WHERE p.policyname = 'municipality_wall' AND p.schemaname = current_schema()
    LOOP
        EXECUTE format('DROP POLICY municipality_wall ON %s', t);
        EXECUTE format('ALTER TABLE %s DISABLE ROW LEVEL SECURITY', t);
    END LOOP;
END
$$;
-- +goose StatementEnd
DROP FUNCTION oppvekst_wall(regclass);
DROP TABLE attempts;
