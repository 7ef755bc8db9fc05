package demo

import (
	"context"
	"fmt"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/specialed"
)

// The demo's educational-psychological service (PPT) and its member, the
// persona PersonaPPT: the special-education cases are referred to it.
const (
	PPTName      = "PPT Demo kommune"
	pptSubject   = "pia.psykolog@demo-kommune.example"
	staffPPTName = "Pia Psykolog"
)

// seedSpecialEd stores the demo's PPT with Pia Psykolog as its member. No
// case is seeded: the browser story opens one.
func seedSpecialEd(ctx context.Context, store domain.Store, m domain.Municipality) error {
	st, ok := store.(specialed.Store)
	if !ok {
		return nil
	}
	p := specialed.PPT{ID: domain.NewID[specialed.PPT](), Municipality: m, Name: PPTName, Members: []string{pptSubject}}
	if err := st.CreatePPT(ctx, p); err != nil {
		return fmt.Errorf("seed PPT: %w", err)
	}
	return nil
}
