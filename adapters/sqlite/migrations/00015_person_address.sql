-- Persons' registered addresses (folkeregistrert adresse): street or
-- cadastral address, postcode, post town, municipality, on children and
-- guardians; all empty when no address is known. Who may see an address
-- follows the person's address_protection (domain package doc,
-- "Whereabouts"), never the columns themselves.

-- +goose Up
ALTER TABLE children ADD COLUMN address_street TEXT NOT NULL DEFAULT '' CHECK (length(address_street) <= 200);
ALTER TABLE children ADD COLUMN address_cadastral TEXT NOT NULL DEFAULT '' CHECK (length(address_cadastral) <= 200);
ALTER TABLE children ADD COLUMN address_postcode TEXT NOT NULL DEFAULT '' CHECK (address_postcode = '' OR address_postcode GLOB '[0-9][0-9][0-9][0-9]');
ALTER TABLE children ADD COLUMN address_post_town TEXT NOT NULL DEFAULT '' CHECK (length(address_post_town) <= 200);
ALTER TABLE children ADD COLUMN address_municipality TEXT NOT NULL DEFAULT '' CHECK (address_municipality = '' OR address_municipality GLOB '[0-9][0-9][0-9][0-9]');
ALTER TABLE guardians ADD COLUMN address_street TEXT NOT NULL DEFAULT '' CHECK (length(address_street) <= 200);
ALTER TABLE guardians ADD COLUMN address_cadastral TEXT NOT NULL DEFAULT '' CHECK (length(address_cadastral) <= 200);
ALTER TABLE guardians ADD COLUMN address_postcode TEXT NOT NULL DEFAULT '' CHECK (address_postcode = '' OR address_postcode GLOB '[0-9][0-9][0-9][0-9]');
ALTER TABLE guardians ADD COLUMN address_post_town TEXT NOT NULL DEFAULT '' CHECK (length(address_post_town) <= 200);
ALTER TABLE guardians ADD COLUMN address_municipality TEXT NOT NULL DEFAULT '' CHECK (address_municipality = '' OR address_municipality GLOB '[0-9][0-9][0-9][0-9]');

-- +goose Down
ALTER TABLE guardians DROP COLUMN address_municipality;
ALTER TABLE guardians DROP COLUMN address_post_town;
ALTER TABLE guardians DROP COLUMN address_postcode;
ALTER TABLE guardians DROP COLUMN address_cadastral;
ALTER TABLE guardians DROP COLUMN address_street;
ALTER TABLE children DROP COLUMN address_municipality;
ALTER TABLE children DROP COLUMN address_post_town;
ALTER TABLE children DROP COLUMN address_postcode;
ALTER TABLE children DROP COLUMN address_cadastral;
ALTER TABLE children DROP COLUMN address_street;
