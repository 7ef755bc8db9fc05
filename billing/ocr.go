package billing

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"
)

// The OCR giro file (Nets, "OCR giro – system specification") reports
// incoming payments with a KID. Every record is 80 characters; positions
// below are 1-based and inclusive. Numeric fields are right-aligned and
// zero-padded, dates DDMMYY.
//
//	start transmission  NY000010  9–16 data sender, 17–23 transmission number, 24–31 data recipient
//	start assignment    NY090020  9–17 agreement ID, 18–24 assignment number, 25–35 assignment account
//	amount item 1       NY09tt30  (tt: transaction type) 9–15 transaction number, 16–21 settlement date,
//	                              22–23 centre ID, 24–25 day code, 26 partial settlement number,
//	                              27–31 serial number, 32 sign ("-" for a negative amount),
//	                              33–49 amount in øre, 50–74 KID (right-aligned, blank-padded)
//	amount item 2       NY09tt31  9–15 transaction number (as item 1), 16–25 form number,
//	                              26–34 agreement ID, 42–47 date of contract, 48–58 debit account
//	amount item 3       NY09tt32  9–15 transaction number, 16–55 free text (ignored)
//	end assignment      NY090088  9–16 number of transactions, 17–24 number of records,
//	                              25–41 sum of amounts in øre, 42–47 settlement date
//	end transmission    NY000089  9–16 number of transactions, 17–24 number of records,
//	                              25–41 sum of amounts in øre, 42–47 settlement date
//
// ParseOCR reads every amount item 1 with the amount item 2 that follows
// it. A line it cannot read (wrong length, unknown record, a field that is
// not a number, an item 2 without its item 1, totals that do not add up) is
// reported with its line number, and the rest of the file is still read.

// OCRFile is a parsed OCR giro file.
type OCRFile struct {
	Sender       string
	Transmission string
	Recipient    string
	Transactions []OCRTransaction
}

// OCRTransaction is one incoming payment.
type OCRTransaction struct {
	Line   int // line number of its amount item 1
	Type   string
	KID    string
	Amount decimal.Decimal // kroner
	Date   date.Date
	// Reference identifies the payment across files:
	// "<transmission>/<assignment>/<transaction number>/<settlement date>".
	Reference    string
	DebitAccount string
}

// LineError is a line of an input file that could not be read.
type LineError struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

func (e LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func ocrDate(s string) (date.Date, bool) {
	if !digits(s) || len(s) != 6 {
		return date.Zero, false
	}
	d, _ := strconv.Atoi(s[0:2])
	m, _ := strconv.Atoi(s[2:4])
	y, _ := strconv.Atoi(s[4:6])
	if m < 1 || m > 12 || d < 1 {
		return date.Zero, false
	}
	century := 2000
	if y >= 70 { // DDMMYY: 70–99 are the 1900s
		century = 1900
	}
	out := date.New(century+y, time.Month(m), d)
	if out.Day() != d {
		return date.Zero, false
	}
	return out, true
}

// ParseOCR reads an OCR giro file. The error is only for a failing reader;
// bad lines come back as LineErrors.
func ParseOCR(r io.Reader) (OCRFile, []LineError, error) {
	var (
		f        OCRFile
		problems []LineError
		pending  *OCRTransaction // item 1 waiting for its item 2
		assign   string
		inAssign bool
		count    int   // transactions in the assignment
		sum      int64 // øre in the assignment
		tCount   int
		tSum     int64
		badTr    string // transaction number of an unreadable amount item 1
	)
	bad := func(n int, format string, args ...any) {
		problems = append(problems, LineError{Line: n, Reason: fmt.Sprintf(format, args...)})
	}
	flush := func() {
		if pending != nil {
			f.Transactions = append(f.Transactions, *pending)
			pending = nil
		}
	}
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		if len(line) != 80 {
			bad(n, "a record is 80 characters, this line has %d", len(line))
			continue
		}
		if line[0:2] != "NY" {
			bad(n, "format code %q is not NY", line[0:2])
			continue
		}
		switch rec := line[6:8]; {
		case line[2:8] == "000010":
			f.Sender, f.Transmission, f.Recipient = line[8:16], line[16:23], line[23:31]
		case line[2:8] == "090020":
			flush()
			assign, inAssign, count, sum = line[17:24], true, 0, 0
		case line[2:4] == "09" && rec == "30":
			flush()
			tr, err := amountItem1(line)
			if err != "" {
				bad(n, "amount item 1: %s", err)
				badTr = line[8:15]
				continue
			}
			badTr = ""
			if !inAssign {
				bad(n, "amount item 1 outside an assignment")
				continue
			}
			tr.Line = n
			tr.Reference = f.Transmission + "/" + assign + "/" + line[8:15] + "/" + line[15:21]
			ore := tr.Amount.Shift(2).IntPart()
			count++
			sum += ore
			tCount++
			tSum += ore
			pending = &tr
		case line[2:4] == "09" && rec == "31":
			if pending == nil && badTr != "" && line[8:15] == badTr {
				continue // the item 1 was reported already
			}
			if pending == nil || line[8:15] != pendingNumber(pending) {
				bad(n, "amount item 2 without the amount item 1 of transaction %s", line[8:15])
				continue
			}
			pending.DebitAccount = strings.TrimLeft(line[47:58], "0")
			flush()
		case line[2:4] == "09" && rec == "32":
			// Amount item 3: free text, ignored.
		case line[2:8] == "090088":
			flush()
			wantN, err1 := strconv.Atoi(line[8:16])
			wantSum, err2 := strconv.ParseInt(line[24:41], 10, 64)
			switch {
			case err1 != nil || err2 != nil:
				bad(n, "end of assignment: number of transactions or sum is not a number")
			case wantN != count || wantSum != sum:
				bad(n, "end of assignment: says %d transactions and %d øre, the assignment has %d and %d", wantN, wantSum, count, sum)
			}
			inAssign = false
		case line[2:8] == "000089":
			flush()
			wantN, err1 := strconv.Atoi(line[8:16])
			wantSum, err2 := strconv.ParseInt(line[24:41], 10, 64)
			switch {
			case err1 != nil || err2 != nil:
				bad(n, "end of transmission: number of transactions or sum is not a number")
			case wantN != tCount || wantSum != tSum:
				bad(n, "end of transmission: says %d transactions and %d øre, the file has %d and %d", wantN, wantSum, tCount, tSum)
			}
		default:
			bad(n, "unknown record %q", line[0:8])
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		return OCRFile{}, nil, fmt.Errorf("billing: OCR file: %w", err)
	}
	return f, problems, nil
}

// pendingNumber returns the transaction number an item 2 must repeat.
func pendingNumber(t *OCRTransaction) string {
	parts := strings.Split(t.Reference, "/")
	return parts[2]
}

func amountItem1(line string) (OCRTransaction, string) {
	var t OCRTransaction
	t.Type = line[4:6]
	if !digits(t.Type) {
		return t, "transaction type is not a number"
	}
	if !digits(line[8:15]) {
		return t, "transaction number is not a number"
	}
	d, ok := ocrDate(line[15:21])
	if !ok {
		return t, fmt.Sprintf("settlement date %q is not DDMMYY", line[15:21])
	}
	t.Date = d
	if !digits(line[32:49]) {
		return t, fmt.Sprintf("amount %q is not a number", line[32:49])
	}
	ore, err := strconv.ParseInt(line[32:49], 10, 64)
	if err != nil {
		return t, "amount is too large"
	}
	if line[31] == '-' {
		ore = -ore
	}
	t.Amount = decimal.New(ore, -2)
	t.KID = strings.TrimSpace(line[49:74])
	if t.KID == "" || !digits(strings.TrimSuffix(t.KID, "-")) {
		return t, fmt.Sprintf("KID %q is not digits", t.KID)
	}
	return t, ""
}
