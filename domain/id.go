package domain

import (
	"database/sql/driver"
	"fmt"

	"github.com/google/uuid"
)

// ID is a typed identifier on a UUIDv7: time-ordered, so new records land at
// the end of an index. The type parameter keeps a ChildID from being passed
// where a UnitID is expected. The zero ID means "none".
//
// IDs marshal as the canonical UUID text in JSON and as text in SQL.
type ID[T any] struct {
	u uuid.UUID
}

// Typed identifiers of the directory.
type (
	ChildID     = ID[Child]
	GuardianID  = ID[Guardian]
	UnitID      = ID[Unit]
	GroupID     = ID[Group]
	PlacementID = ID[Placement]
)

// NewID returns a fresh UUIDv7 identifier.
func NewID[T any]() ID[T] {
	return ID[T]{u: uuid.Must(uuid.NewV7())}
}

// ParseID parses the canonical text form of a UUID.
func ParseID[T any](s string) (ID[T], error) {
	u, err := uuid.Parse(s)
	if err != nil || len(s) != 36 {
		return ID[T]{}, Invalid("id", "is-not-a-uuid", "value", fmt.Sprint(s))
	}
	return ID[T]{u: u}, nil
}

// MustParseID is ParseID for constants in tests and examples; it panics on
// bad input.
func MustParseID[T any](s string) ID[T] {
	id, err := ParseID[T](s)
	if err != nil {
		panic(err)
	}
	return id
}

// IDFromUUID wraps a UUID.
func IDFromUUID[T any](u uuid.UUID) ID[T] { return ID[T]{u: u} }

// UUID returns the underlying UUID.
func (id ID[T]) UUID() uuid.UUID { return id.u }

// IsZero reports whether the ID is unset.
func (id ID[T]) IsZero() bool { return id.u == uuid.Nil }

// String returns the canonical UUID text, or "" for the zero ID.
func (id ID[T]) String() string {
	if id.IsZero() {
		return ""
	}
	return id.u.String()
}

// MarshalText implements encoding.TextMarshaler; the zero ID is "".
func (id ID[T]) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; "" is the zero ID.
func (id *ID[T]) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*id = ID[T]{}
		return nil
	}
	p, err := ParseID[T](string(b))
	if err != nil {
		return err
	}
	*id = p
	return nil
}

// Value implements driver.Valuer: the text form, or NULL for the zero ID.
func (id ID[T]) Value() (driver.Value, error) {
	if id.IsZero() {
		return nil, nil
	}
	return id.u.String(), nil
}

// Scan implements sql.Scanner from text, bytes or NULL.
func (id *ID[T]) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*id = ID[T]{}
		return nil
	case string:
		return id.UnmarshalText([]byte(v))
	case []byte:
		if len(v) == 16 {
			copy(id.u[:], v)
			return nil
		}
		return id.UnmarshalText(v)
	case [16]byte:
		id.u = uuid.UUID(v)
		return nil
	default:
		return fmt.Errorf("domain: cannot scan %T into an ID", src)
	}
}

// Compare orders IDs by their bytes (creation time for UUIDv7); it returns
// -1, 0 or +1.
func (id ID[T]) Compare(other ID[T]) int {
	for i := range id.u {
		switch {
		case id.u[i] < other.u[i]:
			return -1
		case id.u[i] > other.u[i]:
			return 1
		}
	}
	return 0
}
