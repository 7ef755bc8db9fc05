package billing

import (
	"context"
	"fmt"

	"github.com/oppvekst/oppvekst/domain"
)

// BulkFamilyWriter writes many new families for fees at once, as a
// migration or a large demo seed makes them: a store offers it when it can
// write them faster than one CreateFamily each. The families are written
// whole or not at all; a store refuses what CreateFamily would (checking
// with CheckFamilies first).
type BulkFamilyWriter interface {
	CreateFamilies(ctx context.Context, m domain.Municipality, fs []Family) error
}

// CheckFamilies checks new families of municipality m against each other
// as CreateFamily checks one: each is valid and of m (field
// "families[i]…"), no person is in a family twice on a shared day, no
// family or membership ID comes twice, and no person is in two of the
// families on a shared day (*domain.ConflictError). Whether the payers and
// members exist, and clashes with stored families, are the store's to
// check.
func CheckFamilies(m domain.Municipality, fs []Family) error {
	var pr domain.Problems
	for i, f := range fs {
		pr.Merge(fmt.Sprintf("families[%d]", i), f.Validate())
		if f.Municipality != m {
			pr.Add(fmt.Sprintf("families[%d].municipality", i), domain.ReasonNotTheBatchsMunicipality)
		}
	}
	if err := pr.Err(); err != nil {
		return err
	}
	families := make(map[FamilyID]bool, len(fs))
	members := map[MemberID]bool{}
	of := map[[2]string][]domain.Period{} // a person's memberships
	for i, f := range fs {
		if err := CheckMembers(f.Members); err != nil {
			return err
		}
		if families[f.ID] {
			return &domain.ConflictError{Field: fmt.Sprintf("families[%d].id", i), Reason: "id-exists"}
		}
		families[f.ID] = true
		for j, mb := range f.Members {
			if members[mb.ID] {
				return &domain.ConflictError{Field: fmt.Sprintf("families[%d].members[%d].id", i, j), Reason: "id-exists"}
			}
			members[mb.ID] = true
			key := [2]string{mb.Guardian.String(), mb.Child.String()}
			for _, p := range of[key] {
				if p.Overlaps(mb.Period) {
					return &domain.ConflictError{Field: fmt.Sprintf("families[%d].members", i), Reason: "the-person-is-in-another-family-on-a-shared-day"}
				}
			}
			of[key] = append(of[key], mb.Period)
		}
	}
	return nil
}
