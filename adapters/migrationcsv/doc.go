// Package migrationcsv imports the directory from the system a
// municipality leaves: CSV files of units, groups, children, guardians,
// guardianships and placements.
//
// It is a format adapter over the store ports of package domain. Parse
// reads a file; DryRun plans every line against the store's contents and
// writes nothing; Import plans and, when no line is refused, writes the
// whole plan in one transaction (all or nothing). Every line of the plan
// says what it would do: create, change (with the columns that change),
// unchanged, or refused with the column and a reason code for each
// problem. The checks are the domain's own (Child.ValidateAt,
// Guardian.Validate, CheckGuardianship, CheckPlacement, …), so a line the
// plan accepts is one the store accepts.
//
// An import is idempotent: records are matched by their keys (national ID
// for persons), and importing the same files again plans every line
// unchanged and writes nothing. An import never deletes: a record, a
// guardianship or a placement that a file leaves out stays as it is stored,
// and so do the fields no column states (a guardianship's § 47 flags, a
// unit's opening hours and seats).
//
// # Format
//
// UTF-8 (a byte order mark is skipped), one header row with the column
// names below (in any order, case ignored), fields separated by ";" (what
// Norwegian Excel writes) or "," — whichever the header row holds more of
// outside quotes — and quoted as in RFC 4180 when they hold the separator,
// a quote or a line break. Values are trimmed of surrounding spaces. Dates
// are YYYY-MM-DD. Yes/no columns take 1, 0, true, false, ja, nei, yes, no
// (empty is no). Line numbers in the plan count the header as line 1.
//
// Which kind a file is comes from its name (children.csv,
// guardians_2025.csv) or, when the name says none, from its header.
// Required columns must be in the header; an optional column may be left
// out, and then an import keeps what is stored (and a new record gets the
// default). A column the kind does not have refuses the header.
//
//	units.csv          key: name (within the municipality; matched without
//	                   regard to case and repeated spaces, and a line that
//	                   spells a stored name otherwise renames the unit)
//	  name             required
//	  kind             required: kindergarten, school or sfo
//	  owner            municipal (default) or private
//	  parent           for an SFO: the name of its school
//	  grade_from, grade_to   a school's or SFO's grades (1–10)
//	  street, cadastral, postcode, post_town   the unit's address
//
//	groups.csv         key: unit and name (matched as a unit's name is)
//	  unit             required: the unit's name
//	  name             required
//	  age_group        kindergarten: small (under three) or large
//	  grade_from, grade_to   school or SFO
//
//	children.csv       key: national_id
//	  national_id      required: fødselsnummer, D-number or H-number
//	  given_name, family_name   required
//	  birth_date       column required; empty takes the national ID's
//	  address_protection   none (default), fortrolig, strengt-fortrolig,
//	                   strengt-fortrolig-utland
//	  street, cadastral, postcode, post_town   the registered address
//	                   (folkeregistrert adresse): a street address or a
//	                   cadastral address ("gnr. 12 bnr. 34"), a postcode of
//	                   four digits and the post town; all empty: none
//
//	guardians.csv      key: national_id
//	  national_id, given_name, family_name   required
//	  email, phone     optional
//	  address_protection   as for children
//	  street, cadastral, postcode, post_town   as for children
//
//	guardianships.csv  key: child and guardian
//	  child_national_id, guardian_national_id   required: a child and a
//	                   guardian stored or in the same import
//	  parental_responsibility   required yes/no (foreldreansvar)
//	  lives_with_child yes/no
//
//	placements.csv     key: child, unit and start
//	  child_national_id   required
//	  unit             required: the unit's name; the placement is of the
//	                   unit's kind
//	  group            the group's name in the unit, optional
//	  hours_per_week   required: 1–60 (0–60 for a school)
//	  start            required
//	  end              empty: until further notice
//
// Files of one import are planned in the order units, groups, children,
// guardians, guardianships, placements, so that a line can refer to a
// record created by a line of an earlier file. A line referring to a
// refused line is refused too (no-such-child, no-such-unit, …).
//
// Reason codes are this package's Reason* constants and the domain's
// (required, not-a-date, not-an-email, not-a-postcode, …); an application
// translates them.
//
// A person's address is imported as the file has it, with the person's
// address protection beside it: the file is as sensitive as the register it
// came from, and the plan (which an application shows) holds no address,
// only masked national IDs, line numbers, columns and reasons.
package migrationcsv
