package billing_test

import (
	"fmt"
	"strings"
	"testing"

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
}
