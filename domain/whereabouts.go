package domain

// Whereabouts are everything that tells where a child can be found: the
// unit and the group it is placed in (by name or by ID), the names of the
// staff who work there, its address and contact details, and the times it
// arrives, leaves or is collected (check-in and check-out, pickup lists,
// the unit's opening hours and closing days).
//
// # The rule
//
// When a child's address is strengt fortrolig (in Norway or abroad, see
// AddressProtection.Strict), a guardian without parental responsibility
// learns nothing of the child's whereabouts — also a parent who has an
// information right under barneloven § 47. Such a parent may still be told
// about the child (how it is doing, that it has a place, a message from
// its teacher), but never where:
//
//   - messages and thread headers name no unit or group and no member of
//     staff: a message from staff is "from the municipality's staff", the
//     thread has no unit (messaging.Service redacts both when such a parent
//     reads, posts or lists);
//   - notifications use the template's restricted text (messaging
//     Templates), which has no unit, group, staff name or time of day;
//   - a thread to a unit (a guardian's message "to the kindergarten") may
//     not be chosen through such a child: the answer is the same refusal
//     whether the child is at that unit or not, so the answer is no oracle;
//   - the child's record shows no placements, and nothing of attendance or
//     pickups;
//   - letters (decisions on admission), invoices and fee decisions go only
//     to guardians with parental responsibility (the payer is one), never
//     to such a parent;
//   - exports (finance files, rosters) are for the municipality and staff,
//     never for guardians;
//   - errors never depend on where the child is: a refusal has the same
//     status and body whichever unit was named.
//
// The time a message was written is not a whereabout: it tells when staff
// wrote, not where the child was. What staff write in a subject or body is
// theirs to keep free of whereabouts; the library cannot read meaning.
//
// A parent with parental responsibility is not restricted by this rule (the
// unit may still deny information under § 47 second paragraph, which
// InformationDenied records and which stops every message).

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
