package attendance

// Lang is a language an explanation or label is rendered in.
type Lang string

// Languages.
const (
	Bokmal  Lang = "nb" // Norwegian bokmål
	Nynorsk Lang = "nn" // Norwegian nynorsk
	English Lang = "en" // English
)

// pick returns the text for l; any language other than nn and en gets
// bokmål.
func pick(l Lang, nb, nn, en string) string {
	switch l {
	case Nynorsk:
		return nn
	case English:
		return en
	}
	return nb
}

// Text names the reason in l.
func (r Reason) Text(l Lang) string {
	switch r {
	case Sick:
		return pick(l, "syk", "sjuk", "sick")
	case Holiday:
		return pick(l, "ferie", "ferie", "holiday")
	case Leave:
		return pick(l, "fri", "fri", "day off")
	case "":
		return ""
	}
	return pick(l, "annet", "anna", "other")
}

// Text names the status in l.
func (st Status) Text(l Lang) string {
	switch st {
	case Expected:
		return pick(l, "ventet", "venta", "expected")
	case Late:
		return pick(l, "ikke kommet", "ikkje komen", "not yet arrived")
	case Present:
		return pick(l, "til stede", "til stades", "present")
	case Left:
		return pick(l, "hentet", "henta", "left")
	case Absent:
		return pick(l, "borte", "borte", "absent")
	}
	return string(st)
}

// WarningText explains a warning code in l.
func WarningText(code string, l Lang) string {
	switch code {
	case WarnUnlistedCollector:
		return pick(l, "Hentet av en som ikke står på hentelisten.",
			"Henta av ein som ikkje står på hentelista.",
			"Collected by someone who is not on the pickup list.")
	}
	return code
}

// Text names the kind of school absence in l.
func (k SchoolKind) Text(l Lang) string {
	switch k {
	case Documented:
		return pick(l, "dokumentert", "dokumentert", "documented")
	case Permission:
		return pick(l, "permisjon", "permisjon", "permission")
	}
	return pick(l, "udokumentert", "udokumentert", "undocumented")
}
