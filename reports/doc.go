// Package reports counts what a municipality reports to the state, as pure
// functions over the stored data: BASIL for kindergartens, GSI for schools
// and SFO, and the monthly kindergarten list NAV uses to control
// kontantstøtte.
//
// # Inputs and purity
//
// A report takes an Input (units, children, placements and granted
// special-education decisions, read by the caller in one transaction) and
// the report's definitions (Rules), and returns the figures. It does no
// I/O and reads no clock, so the same rows always give the same report.
// Every figure is a Cell that keeps the children behind it, so a caseworker
// can check each number; the CSV exports hold counts only.
//
// # Counting in the store
//
// A page that shows only the figures need not read every row: a store
// that implements Counter counts the placements on the counting day with
// GROUP BY (by unit, birth year, birthday before or after the day, and
// hours band), and CountBASIL and CountGSI turn the counts into the same
// report as BASIL and GSI over Load's rows, each cell with its count only
// (the help, adaptation and adapted-education cells, counted from the few
// children with a decision, keep their children). LoadPlaced reads the
// rows of only the children a query selects (one unit, a birth-year
// window), over which the pure reports count those children exactly;
// with PlacedQuery.Slim it reads of each child only the ID and birth
// date the reports count by. A list of a figure's children reads the
// names of the children it shows only: Counter.ChildrenByName gives one
// keyset page of the figure's children in name order (NameQuery).
//
// Two optional ports go further. A store that implements NAVCounter
// chooses NAV's placement of every child of the month and the month
// before in one window query (NAVQueryOf gives the age window as
// birth-date bounds, so the store compares dates only) and returns the
// count of the month's entries and the children whose entry changed:
// CountNAV gives the same entries count and changes as NAV over Load's
// rows, reading the changed children only. A store that implements
// FigureNamer selects a figure's children (of placements on the day, by
// kinds, units, birth dates, as BASILRules.BornAged gives an age's, and
// hours band) and pages them by name in the database, so that a list of
// a figure of every unit reads one page of children.
// adapters/storetest.RunReports proves the countings equal on every
// store.
//
// # Definitions are data
//
// The counting days, age rule, hours bands, the decision kinds counted and
// the age window of the NAV list are in rules/basil.json, rules/gsi.json
// and rules/nav.json, each definition with its source (document, address
// and passage, field "sources"). In short:
//
//   - BASIL (rules/basil.json) counts on 15 December (Udir, "Årsmelding fra
//     barnehagen": every kindergarten in operation on 15 December reports).
//     Children are counted by age 0–6 and by agreed weekly hours in the
//     bands 0–8, 9–16, 17–24, 25–32, 33–40 and 41 or more (the bands SSB's
//     KOSTRA indicator and its tables of children by hours use, with BASIL
//     as data source). Children with a decision on special-education help
//     (form item 6A; the act and section are cited in rules/basil.json)
//     and on adaptation for children with disabilities are the
//     children of the unit with such a decision in force that day. Places
//     are the unit's stated seats. The age rule (year of counting less the
//     birth year) is marked provisional: the Directorate's text defining a
//     child's age in the form could not be read.
//   - GSI (rules/gsi.json) counts on 1 October (Udir, GSI "Informasjon":
//     the situation per 1 October). Pupils are counted per grade (grade from
//     the birth year: grade 1 in the school year starting in the calendar
//     year the child turns six), SFO pupils per grade and by agreed weekly
//     hours, and pupils with a decision on individually adapted education in
//     force, by grade, with the sum of their decided hours per week.
//   - The NAV list (rules/nav.json) follows the regulation on the register
//     municipalities keep for the control of kontantstøtte (as Udir quotes
//     it): children aged 1 to 3 (here: from the first birthday until the day
//     before the third) with a place in a kindergarten with public operating
//     grants, their national ID, name and address, the agreed weekly hours,
//     the kindergarten's name and address, and when the child started,
//     changed hours or left; the register is brought up to date every month.
//     The hours band is NAV's kontantstøtte band (to 8, 9–16, 17–24, 25–32,
//     33 or more hours).
//
// # What the system cannot count yet
//
// The stored data holds no staff positions, education or full-time
// equivalents (BASIL's and GSI's staff items), no record of a child's
// language (minority-language children), no teacher hours or annual hours
// per subject (GSI), no record of whom a child lives with permanently and
// no organisation number of a kindergarten (NAV list, letters b and d).
// These are listed in each report's NotCounted or NotRecorded and left to
// the unit; nothing is guessed. GSI's own SFO hour rows could not be read,
// so SFO pupils are counted per exact agreed hours ("h12") until bands are
// entered in rules/gsi.json. Every kindergarten is taken to receive public
// operating grants (the data has no flag for it). Grades come from birth
// years: a pupil who started school a year early or late is counted in the
// grade of its birth year.
package reports
