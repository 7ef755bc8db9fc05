package sqlite

import (
	"context"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// insertGuardianshipOnly adds a new link between a child and a guardian;
// an existing one is a conflict (PutGuardianship would replace it).
const insertGuardianshipOnly = `INSERT INTO guardianships (` + wardshipCols + `) VALUES (?, ?, ?, ?, ?, ?, ?)`

// CreateDirectoryBatch writes the batch's children, guardians,
// guardianships and placements in one transaction, each row with the
// statement the single-record write uses, prepared once for the batch
// (implements domain.BulkDirectoryWriter). The batch is checked first
// (domain.CheckDirectoryBatch); an ID or national ID taken by a stored
// record is a *domain.ConflictError, and then nothing is written.
func (s *Store) CreateDirectoryBatch(ctx context.Context, m domain.Municipality, b domain.DirectoryBatch) error {
	return s.Atomic(ctx, func(ctx context.Context) error {
		if err := domain.CheckDirectoryBatch(ctx, s, m, b); err != nil {
			return err
		}
		for _, c := range b.Children {
			if err := checkDate("birthDate", c.BirthDate); err != nil {
				return err
			}
			a := c.Address
			if _, err := s.exec(ctx, insertChild, c.Municipality, c.ID, nullNationalID(c.NationalID),
				c.GivenName, c.FamilyName, c.BirthDate.String(), c.AddressProtection,
				a.Street, a.Cadastral, a.Postcode, a.PostTown, string(a.Municipality)); err != nil {
				return writeErr(err, "child")
			}
		}
		for _, g := range b.Guardians {
			a := g.Address
			if _, err := s.exec(ctx, insertGuardian, g.Municipality, g.ID, nullNationalID(g.NationalID),
				g.GivenName, g.FamilyName, nullString(g.Email), nullString(g.Phone), g.AddressProtection,
				a.Street, a.Cadastral, a.Postcode, a.PostTown, string(a.Municipality)); err != nil {
				return writeErr(err, "guardian")
			}
		}
		for _, g := range b.Guardianships {
			if _, err := s.exec(ctx, insertGuardianshipOnly, g.Municipality, g.ChildID, g.GuardianID, g.ParentalResponsibility,
				g.LivesWithChild, g.InformationRequested, g.InformationDenied); err != nil {
				return writeErr(err, "guardianship")
			}
		}
		for _, p := range b.Placements {
			if err := validPlacement(p); err != nil {
				return err
			}
			if _, err := s.exec(ctx, insertPlacement, p.Municipality, p.ID, p.ChildID, p.UnitID, p.GroupID, p.Kind,
				p.HoursPerWeek, p.Period.Start.String(), endDate(p.Period)); err != nil {
				return writeErr(err, "placement")
			}
		}
		return nil
	})
}

// Analyze refreshes SQLite's statistics of the tables and indexes
// (ANALYZE), so that queries after a bulk write are planned for the data
// as it now is (implements domain.Analyzer).
func (s *Store) Analyze(ctx context.Context) error {
	return s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.exec(ctx, `ANALYZE`)
		return writeErr(err, "analyze")
	})
}

// CreateFamilies writes new families for fees in one transaction, each as
// CreateFamily writes it, after billing.CheckFamilies (implements
// billing.BulkFamilyWriter).
func (s *Store) CreateFamilies(ctx context.Context, m domain.Municipality, fs []billing.Family) error {
	if err := billing.CheckFamilies(m, fs); err != nil {
		return err
	}
	return s.Atomic(ctx, func(ctx context.Context) error {
		for _, f := range fs {
			if err := s.CreateFamily(ctx, f); err != nil {
				return err
			}
		}
		return nil
	})
}
