package admission

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/rickb777/date/v2"
)

// generateRound builds a reproducible round: children live along a line of
// units and rank units near home, with some popular units drawing extra
// first choices; about 12 % have a sibling at one unit (usually one they
// rank) and 2 % statutory priority; the tiebreak is a random permutation.
// Seats are about nine for every ten children, split by the age mix.
func generateRound(seed uint64, children, units, choices int) *Round {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	r := &Round{
		AdmissionYear: 2025,
		Criteria:      []Criterion{Statutory, Sibling, "local:single-provider", Tiebreak},
	}
	seatsSmall := children * 35 / 100 * 9 / 10
	seatsLarge := children * 65 / 100 * 9 / 10
	for u := range units {
		r.Units = append(r.Units, Unit{ID: fmt.Sprintf("U%04d", u)})
	}
	for range seatsSmall {
		r.Units[rng.IntN(units)].Capacity.Small++
	}
	for range seatsLarge {
		r.Units[rng.IntN(units)].Capacity.Large++
	}
	perm := rng.Perm(children)
	for i := range children {
		home := rng.IntN(units)
		c := Applicant{
			ID:       fmt.Sprintf("c%06d", i),
			Tiebreak: int64(perm[i]),
		}
		// 35 % small: born in the last two years before the admission year.
		var born date.Date
		if rng.IntN(100) < 35 {
			born = date.New(2023, time.January, 1).AddDate(0, 0, rng.IntN(730))
		} else {
			born = date.New(2020, time.January, 1).AddDate(0, 0, rng.IntN(1095))
		}
		c.BirthDate = born
		for len(c.Preferences) < choices && len(c.Preferences) < units {
			var u int
			if len(c.Preferences) == 0 && rng.IntN(100) < 30 {
				u = rng.IntN(min(units, 30))
			} else {
				u = (home + int(rng.NormFloat64()*8) + units) % units
				if u < 0 {
					u += units
				}
			}
			id := r.Units[u].ID
			dup := false
			for _, p := range c.Preferences {
				if p == id {
					dup = true
					break
				}
			}
			if !dup {
				c.Preferences = append(c.Preferences, id)
			}
		}
		if rng.IntN(100) < 12 {
			if rng.IntN(10) < 7 {
				c.SiblingAt = []string{c.Preferences[rng.IntN(len(c.Preferences))]}
			} else {
				c.SiblingAt = []string{r.Units[rng.IntN(units)].ID}
			}
		}
		c.StatutoryPriority = rng.IntN(100) < 2
		if rng.IntN(100) < 5 {
			c.Local = map[string]bool{"single-provider": true}
		}
		r.Children = append(r.Children, c)
	}
	return r
}
