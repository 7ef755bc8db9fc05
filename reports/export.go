package reports

import (
	"encoding/csv"
	"io"
	"slices"
	"strconv"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// BASILColumns are the columns of BASILReport.WriteCSV: one row per unit
// and figure; age and hours_band are empty where the figure has none.
// Fields: places-small, places-large, children, children-by-age,
// children-by-age-and-hours, special-education-help, adaptation.
var BASILColumns = []string{"unit_id", "unit_name", "owner", "field", "age", "hours_band", "count"}

// GSIColumns are the columns of GSIReport.WriteCSV. Fields: pupils,
// pupils-by-grade, sfo-pupils-by-hours, adapted-education,
// adapted-education-by-grade, adapted-hours-per-week,
// adapted-hours-per-week-by-grade; key is the grade or hours key.
var GSIColumns = []string{"unit_id", "unit_name", "kind", "field", "key", "value"}

// NAVColumns are the columns of NAVList.WriteCSV: one row per child, the
// register's fields (the rules' sources, letters a–e) and the changes
// since the previous list (kinds joined by "+"). The address of a child
// with address protection is left empty and address_protected is "true".
var NAVColumns = []string{"national_id", "given_name", "family_name", "birth_date",
	"street", "postcode", "post_town", "address_protected",
	"kindergarten_name", "kindergarten_street", "kindergarten_postcode", "kindergarten_post_town",
	"hours_per_week", "hours_band", "start", "end", "changes"}

// WriteCSV writes the report's figures (counts only: the children behind
// a cell are in the JSON for the caseworker, not in the export).
func (r BASILReport) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(BASILColumns)
	for _, u := range r.Units {
		row := func(field, age, band string, n int) {
			_ = cw.Write([]string{u.Unit.String(), u.Name, string(u.Owner), field, age, band, strconv.Itoa(n)})
		}
		row("places-small", "", "", u.Places.Small)
		row("places-large", "", "", u.Places.Large)
		row("children", "", "", u.Children.Count)
		for _, a := range sortedKeys(u.ByAge) {
			row("children-by-age", a, "", u.ByAge[a].Count)
		}
		for _, a := range sortedKeys(u.ByAgeAndHours) {
			for _, b := range sortedKeys(u.ByAgeAndHours[a]) {
				row("children-by-age-and-hours", a, b, u.ByAgeAndHours[a][b].Count)
			}
		}
		row("special-education-help", "", "", u.SpecialEducationHelp.Count)
		row("adaptation", "", "", u.Adaptation.Count)
	}
	cw.Flush()
	return cw.Error()
}

// WriteCSV writes the report's figures.
func (r GSIReport) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(GSIColumns)
	for _, u := range r.Units {
		row := func(field, key, v string) {
			_ = cw.Write([]string{u.Unit.String(), u.Name, string(u.Kind), field, key, v})
		}
		row("pupils", "", strconv.Itoa(u.Pupils.Count))
		for _, g := range sortedKeys(u.ByGrade) {
			row("pupils-by-grade", g, strconv.Itoa(u.ByGrade[g].Count))
		}
		if u.Kind == domain.SFO {
			for _, k := range sortedKeys(u.ByHours) {
				row("sfo-pupils-by-hours", k, strconv.Itoa(u.ByHours[k].Count))
			}
			continue
		}
		row("adapted-education", "", strconv.Itoa(u.AdaptedEducation.Count))
		for _, g := range sortedKeys(u.AdaptedByGrade) {
			row("adapted-education-by-grade", g, strconv.Itoa(u.AdaptedByGrade[g].Count))
		}
		row("adapted-hours-per-week", "", u.AdaptedHoursPerWeek.String())
		for _, g := range sortedKeys(u.AdaptedHoursPerWeekByGr) {
			row("adapted-hours-per-week-by-grade", g, u.AdaptedHoursPerWeekByGr[g].String())
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteCSV writes the list, one row per child.
func (l NAVList) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(NAVColumns)
	kinds := map[domain.ChildID][]string{}
	for _, c := range l.Changes {
		kinds[c.Child] = append(kinds[c.Child], c.Kind)
	}
	for _, e := range l.Entries {
		end := ""
		if e.End != date.Zero {
			end = e.End.String()
		}
		ch := ""
		for i, k := range kinds[e.Child] {
			if i > 0 {
				ch += "+"
			}
			ch += k
		}
		_ = cw.Write([]string{e.NationalID.String(), e.GivenName, e.FamilyName, e.BirthDate.String(),
			e.Address.Street, e.Address.Postcode, e.Address.PostTown, strconv.FormatBool(e.AddressProtected),
			e.UnitName, e.UnitAddress.Street, e.UnitAddress.Postcode, e.UnitAddress.PostTown,
			strconv.Itoa(e.HoursPerWeek), e.Band, e.Start.String(), end, ch})
	}
	cw.Flush()
	return cw.Error()
}

// sortedKeys orders keys by the first number in them ("2" before "10",
// "9-16" before "17-24", "h8" before "h12"), keys without one after them
// by text.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, func(a, b string) int {
		x, okA := firstNumber(a)
		y, okB := firstNumber(b)
		switch {
		case okA && okB && x != y:
			return x - y
		case okA != okB && okA:
			return -1
		case okA != okB:
			return 1
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	})
	return ks
}

func firstNumber(s string) (int, bool) {
	n, seen := 0, false
	for _, r := range s {
		if r >= '0' && r <= '9' {
			if n < 1e6 {
				n = n*10 + int(r-'0')
			}
			seen = true
		} else if seen {
			break
		}
	}
	return n, seen
}
