package domain

// HidesWhereabouts reports whether a guardian with this relation must learn
// nothing of where a child with the given address protection is: the child's
// address is strengt fortrolig (in Norway or abroad) and the guardian has no
// parental responsibility (a § 47 information right or not).
func (g Guardianship) HidesWhereabouts(child AddressProtection) bool {
	return child.Strict() && !g.ParentalResponsibility
}

// HidesWhereaboutsFrom reports whether the actor must learn nothing of
// where the record's child is. For a guardian it is Guardianship.
// HidesWhereabouts of the guardian's link to the child; a guardian with no
// link to a strictly protected child is restricted too. Staff and the
// municipality are not restricted by this rule (their own access rules say
// which children they see at all).
func (r ChildRecord) HidesWhereaboutsFrom(a Actor) bool {
	if a.Role != RoleGuardian {
		return false
	}
	for _, l := range r.Guardians {
		if l.Guardianship.GuardianID == a.Guardian {
			return l.Guardianship.HidesWhereabouts(r.Child.AddressProtection)
		}
	}
	return r.Child.AddressProtection.Strict()
}
