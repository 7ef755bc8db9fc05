-- Units described: address (street or cadastral address, postcode, post
-- town, municipality), opening hours per weekday (jsonb, checked by
-- domain.OpeningHours.Validate), contact details, seats per age group
-- (kindergarten) or grades (school, SFO), and a closing date (the last
-- open day; NULL while open). Groups: age group or grades, closing date.

-- +goose Up
ALTER TABLE units
    ADD COLUMN address_street text NOT NULL DEFAULT ''
        CONSTRAINT units_address_street_check CHECK (char_length(address_street) <= 200),
    ADD COLUMN address_cadastral text NOT NULL DEFAULT ''
        CONSTRAINT units_address_cadastral_check CHECK (char_length(address_cadastral) <= 200),
    ADD COLUMN address_postcode text NOT NULL DEFAULT ''
        CONSTRAINT units_address_postcode_check CHECK (address_postcode = '' OR address_postcode ~ '^[0-9]{4}$'),
    ADD COLUMN address_post_town text NOT NULL DEFAULT ''
        CONSTRAINT units_address_post_town_check CHECK (char_length(address_post_town) <= 200),
    ADD COLUMN address_municipality text NOT NULL DEFAULT ''
        CONSTRAINT units_address_municipality_check CHECK (address_municipality = '' OR address_municipality ~ '^[0-9]{4}$'),
    ADD COLUMN opening_hours jsonb NOT NULL DEFAULT '{}'
        CONSTRAINT units_opening_hours_check CHECK (jsonb_typeof(opening_hours) = 'object'),
    ADD COLUMN phone text NOT NULL DEFAULT ''
        CONSTRAINT units_phone_check CHECK (char_length(phone) <= 40),
    ADD COLUMN email text NOT NULL DEFAULT ''
        CONSTRAINT units_email_check CHECK (char_length(email) <= 254),
    ADD COLUMN seats_small integer NOT NULL DEFAULT 0 CONSTRAINT units_seats_small_check CHECK (seats_small >= 0),
    ADD COLUMN seats_large integer NOT NULL DEFAULT 0 CONSTRAINT units_seats_large_check CHECK (seats_large >= 0),
    ADD COLUMN grade_from integer NOT NULL DEFAULT 0 CONSTRAINT units_grade_from_check CHECK (grade_from BETWEEN 0 AND 10),
    ADD COLUMN grade_to integer NOT NULL DEFAULT 0 CONSTRAINT units_grade_to_check CHECK (grade_to BETWEEN 0 AND 10),
    ADD COLUMN closing_date date;

ALTER TABLE unit_groups
    ADD COLUMN age_group text NOT NULL DEFAULT ''
        CONSTRAINT unit_groups_age_group_check CHECK (age_group IN ('', 'small', 'large')),
    ADD COLUMN grade_from integer NOT NULL DEFAULT 0 CONSTRAINT unit_groups_grade_from_check CHECK (grade_from BETWEEN 0 AND 10),
    ADD COLUMN grade_to integer NOT NULL DEFAULT 0 CONSTRAINT unit_groups_grade_to_check CHECK (grade_to BETWEEN 0 AND 10),
    ADD COLUMN closing_date date;

-- +goose Down
ALTER TABLE unit_groups DROP COLUMN closing_date, DROP COLUMN grade_to, DROP COLUMN grade_from, DROP COLUMN age_group;
ALTER TABLE units DROP COLUMN closing_date, DROP COLUMN grade_to, DROP COLUMN grade_from,
    DROP COLUMN seats_large, DROP COLUMN seats_small, DROP COLUMN email, DROP COLUMN phone,
    DROP COLUMN opening_hours, DROP COLUMN address_municipality, DROP COLUMN address_post_town,
    DROP COLUMN address_postcode, DROP COLUMN address_cadastral, DROP COLUMN address_street;
