// Package financecsv is the first billing.Exporter: a month's invoices as a
// documented CSV file that municipal finance systems (accounts receivable)
// import.
//
// # Format
//
// UTF-8, no byte order mark, one header row, fields separated by ";" (the
// separator Norwegian spreadsheet and finance tools expect, since "," is the
// decimal sign there) unless Exporter.Comma says otherwise, records ended by
// CRLF, fields quoted only when they hold the separator, a quote or a line
// break (RFC 4180). Amounts are kroner with a decimal point and exactly two
// decimals ("-1161.86"); dates are ISO 8601 ("2024-10-20"); months
// "YYYY-MM". One row per invoice line, in invoice-number order and then in
// the invoice's line order, with these columns:
//
//	municipality       kommunenummer, 4 digits
//	month              the invoiced month
//	invoice_number     per municipality, from 1
//	kid                the KID to pay with
//	issued, due        dates
//	payer_id           the paying guardian's ID (UUID)
//	payer_national_id  the payer's fødselsnummer, empty when not known
//	payer_name         given name(s) and family name
//	invoice_total      the invoice's total; the sum of its rows' amount
//	line               the line's number on the invoice, from 1
//	child_id           the child the line is for (UUID)
//	kind               kindergarten or sfo
//	item               fee or food
//	line_month         the month the line charges for (earlier than month
//	                   for a correction)
//	correction         1 for a correction line, else 0
//	days, days_in_month  days charged of the month (a partial month is
//	                   charged as full × days ÷ days_in_month, rounded to øre)
//	gross              the full month's price before reductions
//	reductions         the full month's reductions, "code:amount" joined by
//	                   "|" (income-cap, free-core-hours, free-hours,
//	                   special-needs, sibling, free-zone)
//	full               the full month's amount after reductions
//	amount             what the line charges (negative: a credit)
//	payer_address_protection
//	                   the payer's address protection in the Folkeregister:
//	                   none, fortrolig, strengt-fortrolig or
//	                   strengt-fortrolig-utland
//	payer_street, payer_cadastral, payer_postcode, payer_post_town
//	                   the payer's registered address, for the invoice
//	                   (a street address or a cadastral address); all
//	                   four empty when the address is protected or not
//	                   known
//
// Columns are only ever added at the end, so that a reader by position
// still finds the earlier ones (the address columns came after
// payer_address_protection).
//
// No unit, group or place is exported: nothing in the file says where a
// child is. The payer's address is there only when the Folkeregister does
// not protect it (domain.ShownAddress). A row whose
// payer_address_protection is not none is about a person whose address the
// Folkeregister protects, and the finance system must keep it so: it must
// not print an address on the invoice or on anything about it (reminders,
// dunning letters, statements), nor look one up in its own customer
// register or elsewhere to send it by post; it must pass the mark on with
// the claim (to a debt collector, a printing or mailing service) and keep
// the payer out of lists read by others than the municipality's own
// officers. A strengt-fortrolig or strengt-fortrolig-utland payer gets the
// invoice in the digital mailbox only, never on paper; the payer's name
// and national ID are in the file because the claim needs them, and go no
// further than the claim does.
package financecsv

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// Header is the header row.
var Header = []string{"municipality", "month", "invoice_number", "kid", "issued", "due", "payer_id",
	"payer_national_id", "payer_name", "invoice_total", "line", "child_id", "kind", "item", "line_month",
	"correction", "days", "days_in_month", "gross", "reductions", "full", "amount", "payer_address_protection",
	"payer_street", "payer_cadastral", "payer_postcode", "payer_post_town"}

// Exporter writes the CSV format described in the package documentation.
type Exporter struct {
	// Comma is the field separator; ';' when zero.
	Comma rune
}

var _ billing.Exporter = Exporter{}

// Export writes the batch. An invoice whose payer is not in the batch is an
// error, before anything is written: without the payer, the row cannot say
// whether the payer's address is protected.
func (e Exporter) Export(ctx context.Context, w io.Writer, b billing.ExportBatch) error {
	for _, inv := range b.Invoices {
		if _, ok := b.Payers[inv.Payer]; !ok {
			return fmt.Errorf("financecsv: the payer of invoice %d is not in the batch", inv.Number)
		}
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	if e.Comma != 0 {
		cw.Comma = e.Comma
	}
	cw.UseCRLF = true
	if err := cw.Write(Header); err != nil {
		return err
	}
	row := make([]string, len(Header))
	for _, inv := range b.Invoices {
		if err := ctx.Err(); err != nil {
			return err
		}
		payer := b.Payers[inv.Payer]
		addr := payer.ShownAddress()
		for i, l := range inv.Lines {
			reds := make([]string, len(l.Reductions))
			for j, r := range l.Reductions {
				reds[j] = string(r.Code) + ":" + r.Amount.StringFixed(2)
			}
			corr := "0"
			if l.Correction {
				corr = "1"
			}
			row = append(row[:0], string(inv.Municipality), inv.Month.String(), strconv.FormatInt(inv.Number, 10), inv.KID,
				inv.Issued.String(), inv.Due.String(), inv.Payer.String(), payer.NationalID.String(),
				strings.TrimSpace(payer.GivenName+" "+payer.FamilyName), inv.Total.StringFixed(2), strconv.Itoa(i+1),
				l.Child.String(), string(l.Kind), string(l.Item), l.Month.String(), corr, strconv.Itoa(l.Days),
				strconv.Itoa(l.DaysInMonth), l.Gross.StringFixed(2), strings.Join(reds, "|"), l.Full.StringFixed(2),
				l.Amount.StringFixed(2), protection(payer.AddressProtection),
				addr.Street, addr.Cadastral, addr.Postcode, addr.PostTown)
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// protection is the payer_address_protection of a payer: the level, none
// when unset.
func protection(p domain.AddressProtection) string {
	if !p.Protected() {
		return string(domain.ProtectionNone)
	}
	return string(p)
}
