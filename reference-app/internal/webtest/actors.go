package webtest

import (
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
)

// The seven actors of the authorization table, and the administrator.
var TableActors = []string{
	demo.PersonaGuardian,          // guardian of the child (parental responsibility)
	demo.PersonaOtherParent,       // the other parent, without parental responsibility (§ 47)
	demo.PersonaOtherGuardian,     // guardian of another child
	demo.PersonaStaff,             // staff of the child's unit
	demo.PersonaOtherStaff,        // staff of another unit
	demo.PersonaCaseworker,        // caseworker
	demo.PersonaOtherMunicipality, // a user of another municipality
	demo.PersonaAdmin,             // municipal administrator
}
