package demo

import (
	"fmt"
	"math/rand/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// PostTown is the demo municipality's post town (fictional, as are its
// postcodes 99xx and its streets).
const PostTown = "DEMOBY"

// ProtectedStreet is the registered street address of Marte and Aurora
// Solheim, whose addresses are strengt fortrolig. Nobody else lives in the
// street, so the leak tests search every page and response for it.
const ProtectedStreet = "Lønnebakken 9"

// ProtectedAddress is their whole registered address.
var ProtectedAddress = domain.Address{Street: ProtectedStreet, Postcode: "9903", PostTown: PostTown, Municipality: Municipality}

// Streets are the residential streets of the demo municipality with their
// postcodes, and the highest house number in use in each. Households get
// odd and even numbers from 1 to that number, some with a letter (a
// flat), so that catchment areas can be drawn by street and by ranges of
// odd and even numbers. Lønnebakken (ProtectedStreet) is not among them.
var Streets = []struct {
	Name     string
	Postcode string
	Highest  int
}{
	{"Nordbyveien", "9901", 80},
	{"Solsikkeveien", "9901", 40},
	{"Skoleveien", "9901", 30},
	{"Kirkebakken", "9902", 24},
	{"Bjørkeliveien", "9902", 60},
	{"Fjellveien", "9903", 50},
	{"Skogstien", "9903", 20},
	{"Strandgata", "9904", 70},
	{"Havnegata", "9904", 36},
	{"Sjøsideveien", "9904", 44},
}

// homes hands out the demo's household addresses. It draws from its own
// random source, so adding addresses changes none of the names, dates and
// places the seed's other draws give.
type homes struct {
	rng   *rand.Rand
	taken map[string]bool
	of    map[domain.GuardianID]domain.Address // each written guardian's home
}

func newHomes() homes {
	return homes{rng: rand.New(rand.NewPCG(demoSeed, 15)), taken: map[string]bool{ProtectedStreet: true},
		of: map[domain.GuardianID]domain.Address{}}
}

// next returns an address no other household has.
func (h *homes) next(m domain.Municipality) domain.Address {
	for {
		st := Streets[h.rng.IntN(len(Streets))]
		street := fmt.Sprintf("%s %d", st.Name, 1+h.rng.IntN(st.Highest))
		if h.rng.IntN(8) == 0 {
			street += " " + string(rune('A'+h.rng.IntN(3)))
		}
		if h.taken[street] {
			continue
		}
		h.taken[street] = true
		return domain.Address{Street: street, Postcode: st.Postcode, PostTown: PostTown, Municipality: m}
	}
}
