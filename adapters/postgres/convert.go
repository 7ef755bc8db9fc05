package postgres

import (
	"fmt"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// Conversions between domain values and pgx values. They are explicit so
// that no package-level setting (date.Valuer) matters.

// uid encodes an ID as a uuid parameter; the zero ID is NULL.
func uid[T any](id domain.ID[T]) pgtype.UUID {
	return pgtype.UUID{Bytes: id.UUID(), Valid: !id.IsZero()}
}

// idScan scans a uuid column (possibly NULL) into an ID.
type idScan[T any] struct{ dst *domain.ID[T] }

// ScanUUID implements pgtype.UUIDScanner.
func (s idScan[T]) ScanUUID(v pgtype.UUID) error {
	if !v.Valid {
		*s.dst = domain.ID[T]{}
		return nil
	}
	*s.dst = domain.IDFromUUID[T](v.Bytes)
	return nil
}

// scanID returns a scan target for an ID column.
func scanID[T any](dst *domain.ID[T]) idScan[T] { return idScan[T]{dst: dst} }

// pgDay encodes a date as a date parameter.
func pgDay(d date.Date) pgtype.Date {
	return pgtype.Date{Time: d.MidnightUTC(), Valid: true}
}

// pgEnd encodes the end of a period: date.Zero (an open end) is NULL.
func pgEnd(d date.Date) pgtype.Date {
	if d == date.Zero {
		return pgtype.Date{}
	}
	return pgDay(d)
}

// dateScan scans a date column (possibly NULL, read as date.Zero) into a
// date.Date.
type dateScan struct{ dst *date.Date }

// ScanDate implements pgtype.DateScanner.
func (s dateScan) ScanDate(v pgtype.Date) error {
	switch {
	case !v.Valid:
		*s.dst = date.Zero
	case v.InfinityModifier != pgtype.Finite:
		return fmt.Errorf("postgres: infinite date")
	default:
		y, m, d := v.Time.Date()
		*s.dst = date.New(y, m, d)
	}
	return nil
}

// nationalID encodes a national ID; the zero one is NULL.
func nationalID(n domain.NationalID) pgtype.Text {
	return pgtype.Text{String: n.String(), Valid: !n.IsZero()}
}

// nationalIDScan scans a text column (possibly NULL) into a national ID.
type nationalIDScan struct{ dst *domain.NationalID }

// ScanText implements pgtype.TextScanner.
func (s nationalIDScan) ScanText(v pgtype.Text) error {
	if !v.Valid {
		*s.dst = domain.NationalID{}
		return nil
	}
	n, err := domain.ParseNationalID(v.String)
	if err != nil {
		return fmt.Errorf("postgres: stored national ID: %w", err)
	}
	*s.dst = n
	return nil
}

// stringScan scans a text column into a string type (kinds, owners,
// protection levels).
type stringScan[S ~string] struct{ dst *S }

// ScanText implements pgtype.TextScanner.
func (s stringScan[S]) ScanText(v pgtype.Text) error {
	*s.dst = S(v.String)
	return nil
}
