package billing_test

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
)

func pad80(s string) string { return s + strings.Repeat("0", 80-len(s)) }

func item1(tr, sign, ore, kid string) string {
	return "NY091030" + tr + "101224" + "01" + "10" + "0" + "00001" + sign + ore + fmt.Sprintf("%25s", kid) + "00" + "0000"
}

func item2(tr string) string {
	return pad80("NY091031" + tr + "0000000000" + "001234567" + "0000000" + "101224" + "12345678903")
}

// Every kind of bad line is reported with its number; the good payments
// around them are all read.
func TestParseOCRBadLines(t *testing.T) {
	lines := []string{
		pad80("NY000010000080801012241" + "00012345"),            // 1
		pad80("NY090020001234567000000112345678903"),             // 2
		item1("0000001", "0", "00000000000050000", "0000000018"), // 3
		item2("0000001"),       // 4
		"NY09103000000",        // 5: too short
		pad80("NY09109900000"), // 6: unknown record type 99
		item1("0000002", "-", "00000000000001000", "0000000026"), // 7: negative amount (a reversal)
		item2("0000003"), // 8: item 2 of another transaction
		item1("0000004", "0", "00000000000000100", "12AB"), // 9: KID not digits
		item2("0000004"), // 10: belongs to the bad item 1, not reported again
		"",               // 11: blank lines are skipped
		pad80("NY090088" + "00000002" + "00000008" + "00000000000049000" + "101224"), // 12
		pad80("NY000089" + "00000009" + "00000010" + "00000000000049000" + "101224"), // 13: wrong count
	}
	f, problems, err := billing.ParseOCR(strings.NewReader(strings.Join(lines, "\r\n")))
	require.NoError(t, err)
	require.Len(t, f.Transactions, 2)
	assert.Equal(t, "500.00", f.Transactions[0].Amount.StringFixed(2))
	assert.Equal(t, "12345678903", f.Transactions[0].DebitAccount)
	assert.Equal(t, "-10.00", f.Transactions[1].Amount.StringFixed(2))
	assert.Equal(t, "1012241/0000001/0000002/101224", f.Transactions[1].Reference)
	var at []int
	for _, p := range problems {
		at = append(at, p.Line)
	}
	assert.Equal(t, []int{5, 6, 8, 9, 13}, at, "%v", problems)
	assert.Contains(t, problems[4].Reason, "says 9 transactions")
	var codes []string
	for _, p := range problems {
		codes = append(codes, p.Code)
	}
	assert.Equal(t, []string{billing.OCRLength, billing.OCRUnknownRecord, billing.OCRItem2WithoutItem1, billing.OCRKID,
		billing.OCRTransmissionTotals}, codes)
}

// A line too long for any record (65,536 bytes and more broke the reader
// before) is reported with its number and code, and the rest of the file is
// still read: the lines after it and a long last line without a line end.
func TestParseOCRLongLines(t *testing.T) {
	lines := []string{
		pad80("NY000010000080801012241" + "00012345"),            // 1
		pad80("NY090020001234567000000112345678903"),             // 2
		item1("0000001", "0", "00000000000050000", "0000000018"), // 3
		item2("0000001"),                                         // 4
		strings.Repeat("x", 65536),                               // 5: too long
		strings.Repeat("7", billing.MaxOCRLine+1),                // 6: too long by one
		strings.Repeat("7", billing.MaxOCRLine),                  // 7: the longest line read, of a wrong length
		item1("0000002", "0", "00000000000001000", "0000000026"), // 8
		item2("0000002"),                                         // 9
		pad80("NY090088" + "00000002" + "00000006" + "00000000000051000" + "101224"), // 10
		pad80("NY000089" + "00000002" + "00000008" + "00000000000051000" + "101224"), // 11
		strings.Repeat("y", 200000), // 12: too long, no line end after it
	}
	for _, sep := range []string{"\n", "\r\n"} {
		for name, r := range map[string]func(string) io.Reader{
			"whole":    func(s string) io.Reader { return strings.NewReader(s) },
			"bytewise": func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) },
		} {
			f, problems, err := billing.ParseOCR(r(strings.Join(lines, sep)))
			require.NoError(t, err, "%q %s", sep, name)
			require.Len(t, f.Transactions, 2, "%q %s", sep, name)
			assert.Equal(t, "10.00", f.Transactions[1].Amount.StringFixed(2))
			assert.Equal(t, 8, f.Transactions[1].Line)
			assert.Equal(t, []billing.LineError{
				{Line: 5, Code: billing.OCRLineTooLong, Reason: "a record is 80 characters, this line is longer than 1024 bytes"},
				{Line: 6, Code: billing.OCRLineTooLong, Reason: "a record is 80 characters, this line is longer than 1024 bytes"},
				{Line: 7, Code: billing.OCRLength, Reason: "a record is 80 characters, this line has 1024"},
				{Line: 12, Code: billing.OCRLineTooLong, Reason: "a record is 80 characters, this line is longer than 1024 bytes"},
			}, problems, "%q %s", sep, name)
		}
	}
	// A failing reader is an error, not a line.
	_, _, err := billing.ParseOCR(iotest.TimeoutReader(strings.NewReader(strings.Repeat("x", 100000))))
	assert.ErrorIs(t, err, iotest.ErrTimeout)
}
