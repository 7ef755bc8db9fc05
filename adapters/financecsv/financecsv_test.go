package financecsv_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/financecsv"
	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

var (
	payer = domain.MustParseID[domain.Guardian]("01900000-0000-7000-8000-000000000001")
	child = domain.MustParseID[domain.Child]("01900000-0000-7000-8000-000000000002")
)

func batch() billing.ExportBatch {
	m := domain.MustMunicipality("0301")
	oct := billing.Month{Year: 2024, Month: time.October}
	sep := billing.Month{Year: 2024, Month: time.September}
	d := decimal.RequireFromString
	return billing.ExportBatch{Municipality: m, Month: oct,
		Payers: map[domain.GuardianID]domain.Guardian{payer: {ID: payer, Municipality: m, GivenName: "Kari", FamilyName: "Nord;mann",
			Address: domain.Address{Street: "Storgata 1", Postcode: "0155", PostTown: "OSLO", Municipality: m}}},
		Invoices: []billing.Invoice{{Municipality: m, Month: oct, Number: 2, KID: "0000000026", Payer: payer,
			Issued: date.New(2024, 10, 5), Due: date.New(2024, 10, 20), Total: d("-323.72"),
			Lines: []billing.Line{
				{Child: child, Kind: domain.Kindergarten, Item: billing.ItemFee, Month: oct, Days: 31, DaysInMonth: 31,
					Gross: d("2000"), Full: d("838.14"), Amount: d("838.14"), Reductions: []billing.Reduction{
						{Code: billing.StepIncomeCap, Amount: d("363.64")}, {Code: billing.StepFreeCoreHours, Amount: d("798.22")}}},
				{Child: child, Kind: domain.Kindergarten, Item: billing.ItemFee, Month: sep, Correction: true, Days: 30,
					DaysInMonth: 30, Gross: d("2000"), Full: d("838.14"), Amount: d("-1161.86")},
			}}}}
}

func TestExport(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, financecsv.Exporter{}.Export(context.Background(), &buf, batch()))
	want := strings.Join(financecsv.Header, ";") + "\r\n" +
		"0301;2024-10;2;0000000026;2024-10-05;2024-10-20;01900000-0000-7000-8000-000000000001;;\"Kari Nord;mann\";-323.72;1;" +
		"01900000-0000-7000-8000-000000000002;kindergarten;fee;2024-10;0;31;31;2000.00;income-cap:363.64|free-core-hours:798.22;838.14;838.14;none;Storgata 1;;0155;OSLO\r\n" +
		"0301;2024-10;2;0000000026;2024-10-05;2024-10-20;01900000-0000-7000-8000-000000000001;;\"Kari Nord;mann\";-323.72;2;" +
		"01900000-0000-7000-8000-000000000002;kindergarten;fee;2024-09;1;30;30;2000.00;;838.14;-1161.86;none;Storgata 1;;0155;OSLO\r\n"
	assert.Equal(t, want, buf.String())

	// A CSV reader gets the columns back, the quoted name whole.
	r := csv.NewReader(&buf)
	r.Comma = ';'
	rows, err := r.ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 3)
	assert.Equal(t, "Kari Nord;mann", rows[1][8])
	assert.Equal(t, "-1161.86", rows[2][21])

	// Another separator, and a cancelled context.
	buf.Reset()
	require.NoError(t, financecsv.Exporter{Comma: ','}.Export(context.Background(), &buf, batch()))
	assert.True(t, strings.HasPrefix(buf.String(), "municipality,month,"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, financecsv.Exporter{}.Export(ctx, &bytes.Buffer{}, batch()), context.Canceled)
}

// Every row of a payer whose address is protected says so, at every level,
// in payer_address_protection, and has no address; an unprotected payer's
// address is in every row of the payer. The file holds no e-mail or phone
// number of anyone. A payer missing from the batch is an error before anything is
// written.
func TestExportMarksProtectedPayers(t *testing.T) {
	for _, p := range []domain.AddressProtection{"", domain.ProtectionNone, domain.ProtectionFortrolig,
		domain.ProtectionStrengtFortrolig, domain.ProtectionStrengtFortroligUtland} {
		b := batch()
		g := b.Payers[payer]
		g.AddressProtection, g.Email, g.Phone = p, "kari@example.no", "+4791234567"
		g.Address = domain.Address{Cadastral: "gnr. 12 bnr. 34", Postcode: "5260", PostTown: "INDRE ARNA"}
		b.Payers[payer] = g
		var buf bytes.Buffer
		require.NoError(t, financecsv.Exporter{}.Export(context.Background(), &buf, b))
		out := buf.String()
		r := csv.NewReader(strings.NewReader(out))
		r.Comma = ';'
		rows, err := r.ReadAll()
		require.NoError(t, err)
		require.Len(t, rows, 3)
		want := string(p)
		if p == "" {
			want = "none"
		}
		col := slices.Index(rows[0], "payer_address_protection")
		require.Equal(t, 22, col, "the columns before it stay where they were")
		assert.Equal(t, []string{"payer_street", "payer_cadastral", "payer_postcode", "payer_post_town"}, rows[0][col+1:])
		for _, row := range rows[1:] {
			assert.Equal(t, want, row[col], "%q", p)
			assert.Len(t, row, len(financecsv.Header))
			if domain.AddressProtection(p).Protected() {
				assert.Equal(t, []string{"", "", "", ""}, row[col+1:], "%q", p)
			} else {
				assert.Equal(t, []string{"", "gnr. 12 bnr. 34", "5260", "INDRE ARNA"}, row[col+1:], "%q", p)
			}
		}
		if domain.AddressProtection(p).Protected() {
			assert.NotContains(t, out, "gnr. 12")
			assert.NotContains(t, out, "INDRE ARNA")
			assert.NotContains(t, out, "5260")
		}
		assert.NotContains(t, out, "kari@example.no")
		assert.NotContains(t, out, "91234567")
	}

	b := batch()
	delete(b.Payers, payer)
	var buf bytes.Buffer
	assert.Error(t, financecsv.Exporter{}.Export(context.Background(), &buf, b))
	assert.Empty(t, buf.String(), "nothing written")
}

func ExampleExporter() {
	var buf bytes.Buffer
	if err := (financecsv.Exporter{}).Export(context.Background(), &buf, batch()); err != nil {
		fmt.Println(err)
		return
	}
	r := csv.NewReader(&buf)
	r.Comma = ';'
	rows, _ := r.ReadAll()
	for _, row := range rows[1:] {
		fmt.Println(row[2], row[3], row[14], row[15], row[21])
	}
	// Output:
	// 2 0000000026 2024-10 0 838.14
	// 2 0000000026 2024-09 1 -1161.86
}
