-- Units described: address (street or cadastral address, postcode, post
-- town, municipality), opening hours per weekday (JSON, checked by
-- domain.OpeningHours.Validate), contact details, seats per age group
-- (kindergarten) or grades (school, SFO), and a closing date (the last
-- open day; NULL while open). Groups: age group or grades, closing date.

-- +goose Up
ALTER TABLE units ADD COLUMN address_street TEXT NOT NULL DEFAULT '' CHECK (length(address_street) <= 200);
ALTER TABLE units ADD COLUMN address_cadastral TEXT NOT NULL DEFAULT '' CHECK (length(address_cadastral) <= 200);
ALTER TABLE units ADD COLUMN address_postcode TEXT NOT NULL DEFAULT '' CHECK (address_postcode = '' OR address_postcode GLOB '[0-9][0-9][0-9][0-9]');
ALTER TABLE units ADD COLUMN address_post_town TEXT NOT NULL DEFAULT '' CHECK (length(address_post_town) <= 200);
ALTER TABLE units ADD COLUMN address_municipality TEXT NOT NULL DEFAULT '' CHECK (address_municipality = '' OR address_municipality GLOB '[0-9][0-9][0-9][0-9]');
ALTER TABLE units ADD COLUMN opening_hours TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(opening_hours));
ALTER TABLE units ADD COLUMN phone TEXT NOT NULL DEFAULT '' CHECK (length(phone) <= 40);
ALTER TABLE units ADD COLUMN email TEXT NOT NULL DEFAULT '' CHECK (length(email) <= 254);
ALTER TABLE units ADD COLUMN seats_small INTEGER NOT NULL DEFAULT 0 CHECK (seats_small >= 0);
ALTER TABLE units ADD COLUMN seats_large INTEGER NOT NULL DEFAULT 0 CHECK (seats_large >= 0);
ALTER TABLE units ADD COLUMN grade_from INTEGER NOT NULL DEFAULT 0 CHECK (grade_from BETWEEN 0 AND 10);
ALTER TABLE units ADD COLUMN grade_to INTEGER NOT NULL DEFAULT 0 CHECK (grade_to BETWEEN 0 AND 10);
ALTER TABLE units ADD COLUMN closing_date TEXT CHECK (closing_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]');

ALTER TABLE unit_groups ADD COLUMN age_group TEXT NOT NULL DEFAULT '' CHECK (age_group IN ('', 'small', 'large'));
ALTER TABLE unit_groups ADD COLUMN grade_from INTEGER NOT NULL DEFAULT 0 CHECK (grade_from BETWEEN 0 AND 10);
ALTER TABLE unit_groups ADD COLUMN grade_to INTEGER NOT NULL DEFAULT 0 CHECK (grade_to BETWEEN 0 AND 10);
ALTER TABLE unit_groups ADD COLUMN closing_date TEXT CHECK (closing_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]');

-- +goose Down
ALTER TABLE unit_groups DROP COLUMN closing_date;
ALTER TABLE unit_groups DROP COLUMN grade_to;
ALTER TABLE unit_groups DROP COLUMN grade_from;
ALTER TABLE unit_groups DROP COLUMN age_group;
ALTER TABLE units DROP COLUMN closing_date;
ALTER TABLE units DROP COLUMN grade_to;
ALTER TABLE units DROP COLUMN grade_from;
ALTER TABLE units DROP COLUMN seats_large;
ALTER TABLE units DROP COLUMN seats_small;
ALTER TABLE units DROP COLUMN email;
ALTER TABLE units DROP COLUMN phone;
ALTER TABLE units DROP COLUMN opening_hours;
ALTER TABLE units DROP COLUMN address_municipality;
ALTER TABLE units DROP COLUMN address_post_town;
ALTER TABLE units DROP COLUMN address_postcode;
ALTER TABLE units DROP COLUMN address_cadastral;
ALTER TABLE units DROP COLUMN address_street;
