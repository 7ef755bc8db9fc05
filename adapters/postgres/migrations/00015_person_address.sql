-- Persons' registered addresses (folkeregistrert adresse): street or
-- cadastral address, postcode, post town, municipality, on children and
-- guardians; all empty when no address is known. Who may see an address
-- follows the person's address_protection (domain package doc,
-- "Whereabouts"), never the columns themselves.

-- +goose Up
ALTER TABLE children
    ADD COLUMN address_street text NOT NULL DEFAULT ''
        CONSTRAINT children_address_street_check CHECK (char_length(address_street) <= 200),
    ADD COLUMN address_cadastral text NOT NULL DEFAULT ''
        CONSTRAINT children_address_cadastral_check CHECK (char_length(address_cadastral) <= 200),
    ADD COLUMN address_postcode text NOT NULL DEFAULT ''
        CONSTRAINT children_address_postcode_check CHECK (address_postcode = '' OR address_postcode ~ '^[0-9]{4}$'),
    ADD COLUMN address_post_town text NOT NULL DEFAULT ''
        CONSTRAINT children_address_post_town_check CHECK (char_length(address_post_town) <= 200),
    ADD COLUMN address_municipality text NOT NULL DEFAULT ''
        CONSTRAINT children_address_municipality_check CHECK (address_municipality = '' OR address_municipality ~ '^[0-9]{4}$');

ALTER TABLE guardians
    ADD COLUMN address_street text NOT NULL DEFAULT ''
        CONSTRAINT guardians_address_street_check CHECK (char_length(address_street) <= 200),
    ADD COLUMN address_cadastral text NOT NULL DEFAULT ''
        CONSTRAINT guardians_address_cadastral_check CHECK (char_length(address_cadastral) <= 200),
    ADD COLUMN address_postcode text NOT NULL DEFAULT ''
        CONSTRAINT guardians_address_postcode_check CHECK (address_postcode = '' OR address_postcode ~ '^[0-9]{4}$'),
    ADD COLUMN address_post_town text NOT NULL DEFAULT ''
        CONSTRAINT guardians_address_post_town_check CHECK (char_length(address_post_town) <= 200),
    ADD COLUMN address_municipality text NOT NULL DEFAULT ''
        CONSTRAINT guardians_address_municipality_check CHECK (address_municipality = '' OR address_municipality ~ '^[0-9]{4}$');

-- +goose Down
ALTER TABLE guardians DROP COLUMN address_municipality, DROP COLUMN address_post_town,
    DROP COLUMN address_postcode, DROP COLUMN address_cadastral, DROP COLUMN address_street;
ALTER TABLE children DROP COLUMN address_municipality, DROP COLUMN address_post_town,
    DROP COLUMN address_postcode, DROP COLUMN address_cadastral, DROP COLUMN address_street;
