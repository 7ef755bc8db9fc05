package conformance

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/billing"
)

// invoiceLineInput is the wire input of the invoice-line kind: one child's
// one kind of place in one month.
type invoiceLineInput struct {
	Month         *string             `json:"month"`
	Fee           *decimal.Decimal    `json:"fee"`
	Food          *decimal.Decimal    `json:"food"`
	FeeFreeMonths *[]int              `json:"feeFreeMonths"`
	Placements    *[]invoicePeriodIn  `json:"placements"`
	Billed        *invoiceBilledInput `json:"billed"`
}

type invoicePeriodIn struct {
	Start *string `json:"start"`
	End   *string `json:"end"`
}

type invoiceBilledInput struct {
	Fee  *decimal.Decimal `json:"fee"`
	Food *decimal.Decimal `json:"food"`
}

type invoiceAmounts struct {
	Fee   string `json:"fee"`
	Food  string `json:"food"`
	Total string `json:"total"`
}

// invoiceLineOutput is the expect shape of the invoice-line kind.
type invoiceLineOutput struct {
	Days        int             `json:"days"`
	DaysInMonth int             `json:"daysInMonth"`
	Fee         string          `json:"fee"`
	Food        string          `json:"food"`
	Total       string          `json:"total"`
	Correction  *invoiceAmounts `json:"correction,omitempty"`
}

// evalInvoiceLine evaluates the invoice-line kind as the invoice run
// (billing.Compute) charges a month: the full-month fee and food of the
// fee kinds, nothing in a fee-free month, prorated by the calendar days the
// placements cover (billing.Prorate: full × days ÷ days in the month,
// rounded to øre half away from zero), and, when what was billed for the
// month is given, the correction line (now minus billed).
func evalInvoiceLine(input json.RawMessage) (any, error) {
	var in invoiceLineInput
	if err := decodeInput(input, &in); err != nil {
		return nil, err
	}
	m, err := parseWireMonth("month", in.Month)
	if err != nil {
		return nil, err
	}
	fee, err := nonNegative("fee", in.Fee)
	if err != nil {
		return nil, err
	}
	food, err := nonNegative("food", in.Food)
	if err != nil {
		return nil, err
	}
	free, err := wireMonths("feeFreeMonths", in.FeeFreeMonths)
	if err != nil {
		return nil, err
	}
	for i, fm := range free {
		if fm < 1 || fm > 12 {
			return nil, invalid("feeFreeMonths["+strconv.Itoa(i)+"]", "must be a month number 1-12")
		}
	}
	if in.Placements == nil {
		return nil, invalid("placements", "is required")
	}
	type period struct{ start, end date.Date }
	periods := make([]period, len(*in.Placements))
	for i, p := range *in.Placements {
		field := "placements[" + strconv.Itoa(i) + "]"
		start, err := parseWireDate(field+".start", p.Start)
		if err != nil {
			return nil, err
		}
		end := date.Zero
		if p.End != nil {
			if end, err = parseWireDate(field+".end", p.End); err != nil {
				return nil, err
			}
			if end < start {
				return nil, invalid(field+".end", "must not be before start")
			}
		}
		for j, q := range periods[:i] {
			if (q.end == date.Zero || start <= q.end) && (end == date.Zero || q.start <= end) {
				return nil, invalid(field, "overlaps placements["+strconv.Itoa(j)+"]")
			}
		}
		periods[i] = period{start, end}
	}
	dim := m.Days()
	days := 0
	for _, p := range periods {
		first, last := max(p.start, m.First()), m.Last()
		if p.end != date.Zero && p.end < last {
			last = p.end
		}
		if last >= first {
			days += int(last-first) + 1
		}
	}
	if slices.Contains(free, time.Month(m.Month)) {
		fee, food = decimal.Zero, decimal.Zero
	}
	lineFee, lineFood := billing.Prorate(fee, days, dim), billing.Prorate(food, days, dim)
	out := invoiceLineOutput{Days: days, DaysInMonth: dim, Fee: money(lineFee), Food: money(lineFood), Total: money(lineFee.Add(lineFood))}
	if in.Billed != nil {
		bFee, err := nonNegative("billed.fee", in.Billed.Fee)
		if err != nil {
			return nil, err
		}
		bFood, err := nonNegative("billed.food", in.Billed.Food)
		if err != nil {
			return nil, err
		}
		cFee, cFood := lineFee.Sub(bFee), lineFood.Sub(bFood)
		out.Correction = &invoiceAmounts{Fee: money(cFee), Food: money(cFood), Total: money(cFee.Add(cFood))}
	}
	return out, nil
}

// nonNegative reads a required amount that must be at least 0.
func nonNegative(field string, d *decimal.Decimal) (decimal.Decimal, error) {
	v, err := requiredDecimal(field, d)
	if err != nil {
		return v, err
	}
	if v.IsNegative() {
		return v, invalid(field, "must be at least 0")
	}
	return v, nil
}
