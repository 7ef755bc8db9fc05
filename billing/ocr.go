package billing

import (
	"bufio"
	"bytes"
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
// reported with its line number and a code (the OCR* constants), and the
// rest of the file is still read. Lines end with LF or CRLF. A line longer
// than MaxOCRLine bytes is reported with the code OCRLineTooLong and
// skipped to its end without being held in memory, so any file can be
// read in bounded memory.

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

// MaxOCRLine is the longest line, in bytes without its line ending,
// ParseOCR reads into memory. A record is 80 characters; the limit leaves
// room for files whose records were padded, re-encoded or joined by
// mistake, whose length is still reported exactly (OCRLength). A longer
// line is reported as OCRLineTooLong.
const MaxOCRLine = 1024

// Codes of the LineErrors of ParseOCR: why a line could not be read. An
// application translates them; LineError.Reason says the same in English
// with the details.
const (
	OCRLineTooLong        = "ocr.line-too-long"       // longer than MaxOCRLine bytes
	OCRLength             = "ocr.length"              // not 80 characters
	OCRFormat             = "ocr.format"              // format code is not NY
	OCRUnknownRecord      = "ocr.unknown-record"      // no such service code and record type
	OCRTransactionType    = "ocr.transaction-type"    // amount item 1: transaction type not a number
	OCRTransactionNumber  = "ocr.transaction-number"  // amount item 1: transaction number not a number
	OCRDate               = "ocr.date"                // amount item 1: settlement date not a DDMMYY date
	OCRAmount             = "ocr.amount"              // amount item 1: amount not a number, or too large
	OCRKID                = "ocr.kid"                 // amount item 1: KID not digits
	OCROutsideAssignment  = "ocr.outside-assignment"  // amount item 1 before a start of assignment
	OCRItem2WithoutItem1  = "ocr.item2-without-item1" // amount item 2 of another transaction
	OCRTotalsUnreadable   = "ocr.totals-unreadable"   // end record: count or sum not a number
	OCRAssignmentTotals   = "ocr.assignment-totals"   // end of assignment: count or sum differ
	OCRTransmissionTotals = "ocr.transmission-totals" // end of transmission: count or sum differ
)

// LineError is a line of an input file that could not be read: its number
// (from 1), a code saying why (for ParseOCR one of the OCR* constants) and
// the reason in English with the details.
type LineError struct {
	Line   int    `json:"line"`
	Code   string `json:"code"`
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
	bad := func(n int, code, format string, args ...any) {
		problems = append(problems, LineError{Line: n, Code: code, Reason: fmt.Sprintf(format, args...)})
	}
	flush := func() {
		if pending != nil {
			f.Transactions = append(f.Transactions, *pending)
			pending = nil
		}
	}
	lr := lineReader{r: bufio.NewReader(r)}
	n := 0
	for {
		raw, long, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return OCRFile{}, nil, fmt.Errorf("billing: OCR file: %w", err)
		}
		n++
		if long {
			bad(n, OCRLineTooLong, "a record is 80 characters, this line is longer than %d bytes", MaxOCRLine)
			continue
		}
		line := strings.TrimRight(string(raw), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		if len(line) != 80 {
			bad(n, OCRLength, "a record is 80 characters, this line has %d", len(line))
			continue
		}
		if line[0:2] != "NY" {
			bad(n, OCRFormat, "format code %q is not NY", line[0:2])
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
			tr, code, why := amountItem1(line)
			if code != "" {
				bad(n, code, "amount item 1: %s", why)
				badTr = line[8:15]
				continue
			}
			badTr = ""
			if !inAssign {
				bad(n, OCROutsideAssignment, "amount item 1 outside an assignment")
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
				bad(n, OCRItem2WithoutItem1, "amount item 2 without the amount item 1 of transaction %s", line[8:15])
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
				bad(n, OCRTotalsUnreadable, "end of assignment: number of transactions or sum is not a number")
			case wantN != count || wantSum != sum:
				bad(n, OCRAssignmentTotals, "end of assignment: says %d transactions and %d øre, the assignment has %d and %d", wantN, wantSum, count, sum)
			}
			inAssign = false
		case line[2:8] == "000089":
			flush()
			wantN, err1 := strconv.Atoi(line[8:16])
			wantSum, err2 := strconv.ParseInt(line[24:41], 10, 64)
			switch {
			case err1 != nil || err2 != nil:
				bad(n, OCRTotalsUnreadable, "end of transmission: number of transactions or sum is not a number")
			case wantN != tCount || wantSum != tSum:
				bad(n, OCRTransmissionTotals, "end of transmission: says %d transactions and %d øre, the file has %d and %d", wantN, wantSum, tCount, tSum)
			}
		default:
			bad(n, OCRUnknownRecord, "unknown record %q", line[0:8])
		}
	}
	flush()
	return f, problems, nil
}

// lineReader reads lines of at most MaxOCRLine bytes; the rest of a longer
// line is read past, not kept.
type lineReader struct {
	r   *bufio.Reader
	buf []byte
}

// next returns the next line without its "\n" (a "\r" before it stays),
// whether it was longer than MaxOCRLine (then the line is not returned),
// and io.EOF after the last line.
func (lr *lineReader) next() ([]byte, bool, error) {
	lr.buf = lr.buf[:0]
	long, read := false, false
	for {
		chunk, err := lr.r.ReadSlice('\n')
		read = read || len(chunk) > 0
		if !long {
			if len(lr.buf)+len(chunk) > MaxOCRLine+2 { // the line and "\r\n"
				long, lr.buf = true, lr.buf[:0]
			} else {
				lr.buf = append(lr.buf, chunk...)
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && !read:
			return nil, false, io.EOF
		case err != nil && err != io.EOF:
			return nil, false, err
		}
		line := bytes.TrimSuffix(lr.buf, []byte("\n"))
		if long || len(bytes.TrimSuffix(line, []byte("\r"))) > MaxOCRLine {
			return nil, true, nil
		}
		return line, false, nil
	}
}

// pendingNumber returns the transaction number an item 2 must repeat.
func pendingNumber(t *OCRTransaction) string {
	parts := strings.Split(t.Reference, "/")
	return parts[2]
}

// amountItem1 reads an amount item 1; when it cannot, it returns the code
// and the reason.
func amountItem1(line string) (OCRTransaction, string, string) {
	var t OCRTransaction
	t.Type = line[4:6]
	if !digits(t.Type) {
		return t, OCRTransactionType, "transaction type is not a number"
	}
	if !digits(line[8:15]) {
		return t, OCRTransactionNumber, "transaction number is not a number"
	}
	d, ok := ocrDate(line[15:21])
	if !ok {
		return t, OCRDate, fmt.Sprintf("settlement date %q is not DDMMYY", line[15:21])
	}
	t.Date = d
	if !digits(line[32:49]) {
		return t, OCRAmount, fmt.Sprintf("amount %q is not a number", line[32:49])
	}
	ore, err := strconv.ParseInt(line[32:49], 10, 64)
	if err != nil {
		return t, OCRAmount, "amount is too large"
	}
	if line[31] == '-' {
		ore = -ore
	}
	t.Amount = decimal.New(ore, -2)
	t.KID = strings.TrimSpace(line[49:74])
	if t.KID == "" || !digits(strings.TrimSuffix(t.KID, "-")) {
		return t, OCRKID, fmt.Sprintf("KID %q is not digits", t.KID)
	}
	return t, "", ""
}
