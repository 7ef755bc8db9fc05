package directoryweb_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/migrationcsv"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// synthetic returns a synthetic national ID no demo person has (the demo
// counts individual numbers up from 500).
func synthetic(t *testing.T, birth date.Date) domain.NationalID {
	t.Helper()
	for ind := 999; ind > 900; ind-- {
		if n, err := domain.SyntheticNationalID(birth, ind); err == nil {
			return n
		}
	}
	t.Fatal("no synthetic national ID")
	return domain.NationalID{}
}

type importAnswer struct {
	DryRun, Imported                     bool
	Created, Changed, Unchanged, Refused int
	Lines                                []migrationcsv.Line
}

func multipartBody(t *testing.T, files map[string]string) (string, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for name, content := range files {
		fw, err := w.CreateFormFile("files", name)
		require.NoError(t, err)
		_, err = fw.Write([]byte(content))
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	return w.FormDataContentType(), b.String()
}

// The API: a dry run writes nothing; the import writes the files with
// its audit entries; importing again changes nothing; a refused line
// leaves everything as it was.
func TestMigrationImportAPI(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	cookie := ta.CookieFor(t, demo.PersonaCaseworker)
	child := synthetic(t, date.New(2021, time.April, 4))
	mother := synthetic(t, date.New(1988, time.May, 5))
	files := map[string]string{
		"children.csv":      "national_id;given_name;family_name;birth_date\r\n" + child.String() + ";Importert;Barnesen;\r\n",
		"guardians.csv":     "national_id;given_name;family_name;email\r\n" + mother.String() + ";Mor;Barnesen;mor@example.org\r\n",
		"guardianships.csv": "child_national_id;guardian_national_id;parental_responsibility;lives_with_child\r\n" + child.String() + ";" + mother.String() + ";ja;ja\r\n",
	}
	before, err := ta.Store.Children(ctx, demo.Municipality)
	require.NoError(t, err)
	call := func(query string, files map[string]string) importAnswer {
		t.Helper()
		ct, body := multipartBody(t, files)
		resp := ta.Do(t, cookie, "POST", "/api/v1/migration/import"+query, ct, body)
		require.Equal(t, 200, resp.Status, resp.Body)
		var ans importAnswer
		require.NoError(t, json.Unmarshal([]byte(resp.Body), &ans))
		return ans
	}

	ans := call("?dryRun=true", files)
	assert.Equal(t, importAnswer{DryRun: true, Created: 3, Lines: ans.Lines}, ans)
	_, err = ta.Store.ChildByNationalID(ctx, demo.Municipality, child)
	assert.ErrorIs(t, err, domain.ErrNotFound, "a dry run writes nothing")

	ans = call("", files)
	assert.Equal(t, importAnswer{Imported: true, Created: 3, Lines: ans.Lines}, ans)
	c, err := ta.Store.ChildByNationalID(ctx, demo.Municipality, child)
	require.NoError(t, err)
	assert.Equal(t, child.BirthDate(), c.BirthDate, "the birth date from the national ID")
	rec, err := ta.Store.ChildRecord(ctx, demo.Municipality, c.ID)
	require.NoError(t, err)
	require.Len(t, rec.Guardians, 1)
	assert.True(t, rec.Guardians[0].Guardianship.ParentalResponsibility)
	entries, err := ta.Store.AuditEntries(ctx, demo.Municipality, c.ID, domain.AuditID{}, 10)
	require.NoError(t, err)
	require.NotEmpty(t, entries)
	assert.Equal(t, "child.import", entries[0].Action)
	all, err := ta.Store.AuditEntries(ctx, demo.Municipality, domain.ChildID{}, domain.AuditID{}, 5)
	require.NoError(t, err)
	assert.Equal(t, "migration.import", all[0].Action)
	assert.Equal(t, "migration/3 created, 0 changed, 0 unchanged, 0 refused", all[0].Record)

	ans = call("", files)
	assert.Equal(t, importAnswer{Imported: true, Unchanged: 3, Lines: ans.Lines}, ans, "the second import changes nothing")

	// One bad line among good ones: nothing is written.
	other := synthetic(t, date.New(2022, time.June, 6))
	bad := map[string]string{
		"children.csv":      "national_id,given_name,family_name,birth_date\r\n" + other.String() + ",Ny,Barnesen,\r\n",
		"guardianships.csv": "child_national_id,guardian_national_id,parental_responsibility\r\n" + other.String() + "," + mother.String() + ",kanskje\r\n",
	}
	ans = call("", bad)
	assert.False(t, ans.Imported)
	assert.Equal(t, 1, ans.Refused)
	assert.Equal(t, []domain.FieldError{{Field: "parental_responsibility", Reason: migrationcsv.ReasonFlag}}, ans.Lines[1].Problems)
	_, err = ta.Store.ChildByNationalID(ctx, demo.Municipality, other)
	assert.ErrorIs(t, err, domain.ErrNotFound, "a refused import writes nothing")
	after, err := ta.Store.Children(ctx, demo.Municipality)
	require.NoError(t, err)
	assert.Len(t, after, len(before)+1)

	// One file as text/csv, its kind from the query or the header.
	resp := ta.Do(t, cookie, "POST", "/api/v1/migration/import?dryRun=true&kind=children", "text/csv; charset=utf-8", files["children.csv"])
	require.Equal(t, 200, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, `"unchanged":1`)
	for body, want := range map[string]int{"who,what\n1,2\n": 422, "": 422} {
		resp := ta.Do(t, cookie, "POST", "/api/v1/migration/import?dryRun=true", "text/csv", body)
		assert.Equal(t, want, resp.Status, "%q: %s", body, resp.Body)
	}
	resp = ta.Do(t, cookie, "POST", "/api/v1/migration/import?dryRun=true", "application/json", `{}`)
	assert.Equal(t, 415, resp.Status)
	resp = ta.Do(t, cookie, "POST", "/api/v1/migration/import?dryRun=maybe", "text/csv", files["children.csv"])
	assert.Equal(t, 422, resp.Status)
}

// The page: upload, a dry-run report with translated reasons, and the
// confirmation that carries the files and imports them.
func TestMigrationImportPage(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	cookie := ta.CookieFor(t, demo.PersonaAdmin)
	nb := ta.App.Catalogs["nb"]

	resp := ta.Do(t, cookie, "GET", "/caseworker/import", "", "")
	require.Equal(t, 200, resp.Status)
	assert.Contains(t, resp.Body, `enctype="multipart/form-data"`)

	child := synthetic(t, date.New(2021, time.August, 8))
	good := "national_id;given_name;family_name;birth_date\r\n" + child.String() + ";Sidebarn;Importsen;\r\n"
	badLine := good + "12345678901;Feil;Importsen;2021-01-01\r\n"
	ct, body := multipartBody(t, map[string]string{"children.csv": badLine})
	resp = ta.Do(t, cookie, "POST", "/caseworker/import", ct, body)
	require.Equal(t, 422, resp.Status)
	assert.Contains(t, resp.Body, nb.Text("dir.import.reason.not-a-national-id"))
	assert.Regexp(t, `<td[^>]*>children\.csv</td><td[^>]*>3</td><td[^>]*>national_id</td>`, resp.Body)
	assert.NotContains(t, resp.Body, `value="import"`, "no import while a line is refused")

	ct, body = multipartBody(t, map[string]string{"children.csv": good})
	resp = ta.Do(t, cookie, "POST", "/caseworker/import", ct, body)
	require.Equal(t, 200, resp.Status)
	assert.Contains(t, resp.Body, `value="import"`)
	_, err := ta.Store.ChildByNationalID(ctx, demo.Municipality, child)
	assert.ErrorIs(t, err, domain.ErrNotFound, "a dry run writes nothing")

	form := url.Values{"csvName": {"children.csv"}, "csv": {good}, "action": {"import"}}.Encode()
	resp = ta.Do(t, cookie, "POST", "/caseworker/import", "application/x-www-form-urlencoded", form)
	require.Equal(t, 200, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, strings.Split(nb.Text("dir.import.done", 1, 0, 0), ":")[0])
	_, err = ta.Store.ChildByNationalID(ctx, demo.Municipality, child)
	assert.NoError(t, err)

	// No file chosen.
	resp = ta.Do(t, cookie, "POST", "/caseworker/import", "application/x-www-form-urlencoded", "action=dryrun")
	assert.Equal(t, 422, resp.Status)
	assert.Contains(t, resp.Body, nb.Text("dir.import.reason.no-files"))
}

// Every reason the import can give has a text in every language.
func TestMigrationReasonsTranslated(t *testing.T) {
	ta := webtest.New(t)
	codes := []string{
		migrationcsv.ReasonUnknownColumn, migrationcsv.ReasonMissingColumn, migrationcsv.ReasonUnknownKind, migrationcsv.ReasonMalformed,
		migrationcsv.ReasonFieldCount, migrationcsv.ReasonDuplicate, migrationcsv.ReasonNationalID, migrationcsv.ReasonBirthDate,
		migrationcsv.ReasonProtection, migrationcsv.ReasonFlag, migrationcsv.ReasonNumber, migrationcsv.ReasonHours,
		migrationcsv.ReasonUnitKind, migrationcsv.ReasonOwner, migrationcsv.ReasonParent, migrationcsv.ReasonEndBeforeStart,
		migrationcsv.ReasonNoSuchChild, migrationcsv.ReasonNoSuchGuardian, migrationcsv.ReasonNoSuchUnit, migrationcsv.ReasonNoSuchGroup,
		migrationcsv.ReasonAmbiguous, migrationcsv.ReasonOverlap, migrationcsv.ReasonConflict, migrationcsv.ReasonInvalid,
		domain.ReasonRequired, domain.ReasonTooLong, domain.ReasonDate, domain.ReasonFuture, domain.ReasonControl, domain.ReasonUTF8,
		domain.ReasonEmail, domain.ReasonPhone, domain.ReasonPostcode, domain.ReasonStreetOrCadastral, domain.ReasonAgeGroup,
		domain.ReasonGrades, domain.ReasonNotForKind, domain.ReasonGradesOutsideUnit, domain.ReasonUnitClosed,
	}
	for lang, cat := range ta.App.Catalogs {
		for _, code := range codes {
			_, own := cat["dir.import.reason."+code]
			_, dir := cat["dir.reason."+code]
			_, shell := cat["reason."+code]
			assert.True(t, own || dir || shell, "%s: a text for %s", lang, code)
		}
	}
}
