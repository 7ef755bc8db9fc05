package migrationcsv

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// Action is what an import does with one line.
type Action string

// Actions.
const (
	Create    Action = "create"
	Change    Action = "change"
	Unchanged Action = "unchanged"
	Refused   Action = "refused"
)

// Line is the plan for one line of a file.
type Line struct {
	File string `json:"file"`
	Kind Kind   `json:"kind"`
	// Line is the line number in the file; the header is line 1.
	Line int `json:"line"`
	// Key names the record: a masked national ID for a person, a unit's
	// name, "unit / group", "child ↔ guardian", "child @ unit from start".
	Key    string `json:"key,omitempty"`
	Action Action `json:"action"`
	// Changed lists the columns whose stored value a Change replaces.
	Changed []string `json:"changed,omitempty"`
	// Problems say why a Refused line is refused: column and reason code.
	Problems []domain.FieldError `json:"problems,omitempty"`
	// child is the child whose data a Create or Change touches, if any.
	child domain.ChildID
}

// Plan is what an import of some files would do (a dry run) or did.
type Plan struct {
	Municipality domain.Municipality `json:"municipality"`
	Lines        []Line              `json:"lines"`
	ops          []op
}

type op func(ctx context.Context, d domain.Directory) error

// Count is the number of lines with the action.
func (p *Plan) Count(a Action) int {
	n := 0
	for _, l := range p.Lines {
		if l.Action == a {
			n++
		}
	}
	return n
}

// Refused lists the refused lines.
func (p *Plan) Refused() []Line {
	var out []Line
	for _, l := range p.Lines {
		if l.Action == Refused {
			out = append(out, l)
		}
	}
	return out
}

// Children lists the children whose data applying the plan creates or
// changes (their own line, a guardianship or a placement), once each, in
// the order of the lines: the children an application audit-logs the
// import for.
func (p *Plan) Children() []domain.ChildID {
	var out []domain.ChildID
	seen := map[domain.ChildID]bool{}
	for _, l := range p.Lines {
		if (l.Action == Create || l.Action == Change) && !l.child.IsZero() && !seen[l.child] {
			seen[l.child] = true
			out = append(out, l.child)
		}
	}
	return out
}

// Writes is the number of store writes applying the plan takes (0 when
// every line is unchanged).
func (p *Plan) Writes() int { return len(p.ops) }

// Options are what a plan needs besides the files and the store.
type Options struct {
	// Municipality the import is for; every record is created in it and
	// every lookup is scoped by it.
	Municipality domain.Municipality
	// Today, from the injected clock (domain.Today): a birth date after it
	// is refused.
	Today date.Date
}

// ErrRefused is returned by Import when the plan has a refused line:
// nothing was written.
var ErrRefused = errors.New("migrationcsv: the import has refused lines; nothing was written")

// DryRun plans the files against the store's contents and writes nothing.
// The files are planned in the order of Kinds (units before groups before
// children …), files of one kind in the order given; a line may refer to a
// record stored or created by an earlier line. The error is a store
// failure; refused lines are in the plan.
func DryRun(ctx context.Context, r domain.DirectoryReader, opt Options, files ...*File) (*Plan, error) {
	if err := opt.Municipality.Validate(); err != nil {
		return nil, err
	}
	if opt.Today == date.Zero {
		return nil, errors.New("migrationcsv: Options.Today is required (domain.Today of the clock)")
	}
	p := newPlanner(r, opt)
	ordered := slices.Clone(files)
	slices.SortStableFunc(ordered, func(a, b *File) int {
		return cmp.Compare(slices.Index(Kinds, a.Kind), slices.Index(Kinds, b.Kind))
	})
	for _, f := range ordered {
		if err := p.file(ctx, f); err != nil {
			return nil, err
		}
	}
	plan := p.plan
	slices.SortStableFunc(plan.Lines, func(a, b Line) int {
		return cmp.Or(cmp.Compare(slices.IndexFunc(ordered, func(f *File) bool { return f.Name == a.File }),
			slices.IndexFunc(ordered, func(f *File) bool { return f.Name == b.File })), cmp.Compare(a.Line, b.Line))
	})
	return plan, nil
}

// Import plans the files (as DryRun) and, when no line is refused, writes
// the plan, all in one transaction of the store: any refused line, or any
// failed write, and nothing is written (ErrRefused, or the store's error).
// Importing the same files again plans every line Unchanged and writes
// nothing: records are matched by national ID (persons), by name (units),
// by unit and name (groups), by child and guardian (guardianships) and by
// child, unit and start date (placements).
func Import(ctx context.Context, s domain.Store, opt Options, files ...*File) (*Plan, error) {
	var plan *Plan
	err := s.Atomic(ctx, func(ctx context.Context) error {
		pl, err := DryRun(ctx, s, opt, files...)
		if err != nil {
			return err
		}
		plan = pl
		if pl.Count(Refused) > 0 {
			return ErrRefused
		}
		for _, o := range pl.ops {
			if err := o(ctx, s); err != nil {
				return fmt.Errorf("migrationcsv: writing the plan: %w", err)
			}
		}
		return nil
	})
	return plan, err
}

// planner plans lines against the store seen through view: the store's
// records with the ones earlier lines create or change laid over them.
type planner struct {
	r     domain.DirectoryReader
	m     domain.Municipality
	today date.Date
	plan  *Plan

	children  map[string]domain.Child // by national ID; zero ID: not stored
	childByID map[domain.ChildID]domain.Child
	// childrenRead: children holds every stored child with a national ID.
	childrenRead bool
	guardians    map[string]domain.Guardian
	guardByID    map[domain.GuardianID]domain.Guardian
	units        map[string][]domain.Unit // by folded name
	unitByID     map[domain.UnitID]domain.Unit
	unitsRead    bool
	groups       map[domain.UnitID]map[string]domain.Group
	groupByID    map[domain.GroupID]domain.Group
	links        map[domain.ChildID]map[domain.GuardianID]domain.Guardianship
	placements   map[domain.ChildID][]domain.Placement
	newChild     map[domain.ChildID]bool
	newUnit      map[domain.UnitID]bool
	seen         map[Kind]map[string]int
}

func newPlanner(r domain.DirectoryReader, opt Options) *planner {
	return &planner{
		r: r, m: opt.Municipality, today: opt.Today,
		plan:       &Plan{Municipality: opt.Municipality},
		children:   map[string]domain.Child{},
		childByID:  map[domain.ChildID]domain.Child{},
		guardians:  map[string]domain.Guardian{},
		guardByID:  map[domain.GuardianID]domain.Guardian{},
		units:      map[string][]domain.Unit{},
		unitByID:   map[domain.UnitID]domain.Unit{},
		groups:     map[domain.UnitID]map[string]domain.Group{},
		groupByID:  map[domain.GroupID]domain.Group{},
		links:      map[domain.ChildID]map[domain.GuardianID]domain.Guardianship{},
		placements: map[domain.ChildID][]domain.Placement{},
		newChild:   map[domain.ChildID]bool{},
		newUnit:    map[domain.UnitID]bool{},
		seen:       map[Kind]map[string]int{},
	}
}

// view is the store as the plan so far leaves it, for the domain's checks.
type view struct {
	domain.DirectoryReader
	p *planner
}

func (v view) Child(ctx context.Context, m domain.Municipality, id domain.ChildID) (domain.Child, error) {
	if c, ok := v.p.childByID[id]; ok && m == v.p.m {
		return c, nil
	}
	return v.DirectoryReader.Child(ctx, m, id)
}

func (v view) Guardian(ctx context.Context, m domain.Municipality, id domain.GuardianID) (domain.Guardian, error) {
	if g, ok := v.p.guardByID[id]; ok && m == v.p.m {
		return g, nil
	}
	return v.DirectoryReader.Guardian(ctx, m, id)
}

func (v view) Unit(ctx context.Context, m domain.Municipality, id domain.UnitID) (domain.Unit, error) {
	if u, ok := v.p.unitByID[id]; ok && m == v.p.m {
		return u, nil
	}
	return v.DirectoryReader.Unit(ctx, m, id)
}

func (v view) Group(ctx context.Context, m domain.Municipality, id domain.GroupID) (domain.Group, error) {
	if g, ok := v.p.groupByID[id]; ok && m == v.p.m {
		return g, nil
	}
	return v.DirectoryReader.Group(ctx, m, id)
}

func (p *planner) view() view { return view{DirectoryReader: p.r, p: p} }

// lineState collects one line's outcome.
type lineState struct {
	Line
	kind Kind
}

func (l *lineState) add(col, reason string) {
	l.Problems = append(l.Problems, domain.FieldError{Field: col, Reason: reason})
}

// merge adds the problems of a domain error; a store failure is returned.
func (l *lineState) merge(err error) error {
	probs, err := problemsOf(l.kind, err)
	if err != nil {
		return err
	}
	for _, pr := range probs {
		// A column already refused (unreadable) says enough.
		if !slices.ContainsFunc(l.Problems, func(f domain.FieldError) bool { return f.Field == pr.Field }) {
			l.Problems = append(l.Problems, pr)
		}
	}
	return nil
}

func (p *planner) file(ctx context.Context, f *File) error {
	p.plan.Lines = append(p.plan.Lines, f.refused...)
	for _, r := range f.rows {
		if err := ctx.Err(); err != nil {
			return err
		}
		l := &lineState{Line: Line{File: f.Name, Kind: f.Kind, Line: r.line}, kind: f.Kind}
		var o op
		var err error
		switch f.Kind {
		case Units:
			o, err = p.unit(ctx, l, r)
		case Groups:
			o, err = p.group(ctx, l, r)
		case Children:
			o, err = p.child(ctx, l, r)
		case Guardians:
			o, err = p.guardian(ctx, l, r)
		case Guardianships:
			o, err = p.guardianship(ctx, l, r)
		case Placements:
			o, err = p.placement(ctx, l, r)
		}
		if err != nil {
			return err
		}
		switch {
		case len(l.Problems) > 0:
			l.Action, l.Changed = Refused, nil
		case o == nil:
			l.Action = Unchanged
		default:
			p.plan.ops = append(p.plan.ops, o)
		}
		p.plan.Lines = append(p.plan.Lines, l.Line)
	}
	return nil
}

// duplicate records the key and reports whether an earlier line had it.
func (p *planner) duplicate(l *lineState, key, col string) bool {
	m := p.seen[l.kind]
	if m == nil {
		m = map[string]int{}
		p.seen[l.kind] = m
	}
	if _, ok := m[key]; ok {
		l.add(col, ReasonDuplicate)
		return true
	}
	m[key] = l.Line.Line
	return false
}

func nationalID(l *lineState, r row, col string) (domain.NationalID, bool) {
	v, _ := r.get(col)
	if v == "" {
		l.add(col, domain.ReasonRequired)
		return domain.NationalID{}, false
	}
	n, err := domain.ParseNationalID(v)
	if err != nil {
		l.add(col, ReasonNationalID)
		return domain.NationalID{}, false
	}
	return n, true
}

func protection(l *lineState, r row, current domain.AddressProtection) domain.AddressProtection {
	v, ok := r.get("address_protection")
	if !ok {
		if current == "" {
			return domain.ProtectionNone
		}
		return current
	}
	pr, err := domain.ParseAddressProtection(v)
	if err != nil {
		l.add("address_protection", ReasonProtection)
		return current
	}
	return pr
}

func flag(l *lineState, r row, col string, current bool) bool {
	v, ok := r.get(col)
	if !ok {
		return current
	}
	switch strings.ToLower(v) {
	case "1", "true", "ja", "yes", "j", "y":
		return true
	case "0", "false", "nei", "no", "n", "":
		return false
	}
	l.add(col, ReasonFlag)
	return current
}

func integer(l *lineState, r row, col string, current int) int {
	v, ok := r.get(col)
	if !ok {
		return current
	}
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || strings.HasPrefix(v, "+") {
		l.add(col, ReasonNumber)
		return current
	}
	return n
}

func text(r row, col, current string) string {
	if v, ok := r.get(col); ok {
		return v
	}
	return current
}

// address reads the address columns; left out of the header, the stored
// address stays.
func address(r row, current domain.Address) domain.Address {
	a := current
	a.Street = text(r, "street", a.Street)
	a.Cadastral = text(r, "cadastral", a.Cadastral)
	a.Postcode = text(r, "postcode", a.Postcode)
	a.PostTown = text(r, "post_town", a.PostTown)
	if a.Street == "" && a.Cadastral == "" && a.Postcode == "" && a.PostTown == "" {
		a.Municipality = ""
	}
	return a
}

func addressChanged(old, new domain.Address) []any {
	return []any{"street", old.Street, new.Street, "cadastral", old.Cadastral, new.Cadastral,
		"postcode", old.Postcode, new.Postcode, "post_town", old.PostTown, new.PostTown}
}

// changed lists the columns whose values differ.
func changed(pairs ...any) []string {
	var out []string
	for i := 0; i+2 < len(pairs); i += 3 {
		if !reflect.DeepEqual(pairs[i+1], pairs[i+2]) {
			out = append(out, pairs[i].(string))
		}
	}
	return out
}

func (p *planner) lookupChild(ctx context.Context, n domain.NationalID) (domain.Child, bool, error) {
	if !p.childrenRead {
		// One read of every child instead of one per line.
		all, err := p.r.Children(ctx, p.m)
		if err != nil {
			return domain.Child{}, false, err
		}
		for _, c := range all {
			if !c.NationalID.IsZero() {
				p.children[c.NationalID.String()] = c
				p.childByID[c.ID] = c
			}
		}
		p.childrenRead = true
	}
	c, ok := p.children[n.String()]
	return c, ok && !c.ID.IsZero(), nil
}

func (p *planner) lookupGuardian(ctx context.Context, n domain.NationalID) (domain.Guardian, bool, error) {
	if g, ok := p.guardians[n.String()]; ok {
		return g, !g.ID.IsZero(), nil
	}
	g, err := p.r.GuardianByNationalID(ctx, p.m, n)
	if domain.IsNotFound(err) {
		p.guardians[n.String()] = domain.Guardian{}
		return domain.Guardian{}, false, nil
	}
	if err != nil {
		return domain.Guardian{}, false, err
	}
	p.guardians[n.String()] = g
	p.guardByID[g.ID] = g
	return g, true, nil
}

func fold(name string) string { return strings.ToLower(strings.Join(strings.Fields(name), " ")) }

// lookupUnit finds the one unit of that name (ok false and a problem on
// col when there is none or more than one).
func (p *planner) lookupUnit(ctx context.Context, l *lineState, col, name string) (domain.Unit, bool, error) {
	if !p.unitsRead {
		us, err := p.r.Units(ctx, p.m)
		if err != nil {
			return domain.Unit{}, false, err
		}
		for _, u := range us {
			p.units[fold(u.Name)] = append(p.units[fold(u.Name)], u)
			p.unitByID[u.ID] = u
		}
		p.unitsRead = true
	}
	us := p.units[fold(name)]
	switch {
	case len(us) == 0:
		if l != nil {
			l.add(col, ReasonNoSuchUnit)
		}
		return domain.Unit{}, false, nil
	case len(us) > 1:
		if l != nil {
			l.add(col, ReasonAmbiguous)
		}
		return domain.Unit{}, false, nil
	}
	return us[0], true, nil
}

func (p *planner) groupsOf(ctx context.Context, u domain.UnitID) (map[string]domain.Group, error) {
	if gs, ok := p.groups[u]; ok {
		return gs, nil
	}
	gs := map[string]domain.Group{}
	if !p.newUnit[u] {
		stored, err := p.r.Groups(ctx, p.m, u)
		if err != nil {
			return nil, err
		}
		for _, g := range stored {
			gs[fold(g.Name)] = g
			p.groupByID[g.ID] = g
		}
	}
	p.groups[u] = gs
	return gs, nil
}

func (p *planner) linksOf(ctx context.Context, c domain.ChildID) (map[domain.GuardianID]domain.Guardianship, error) {
	if ls, ok := p.links[c]; ok {
		return ls, nil
	}
	ls := map[domain.GuardianID]domain.Guardianship{}
	if !p.newChild[c] {
		stored, err := p.r.Guardianships(ctx, p.m, c)
		if err != nil {
			return nil, err
		}
		for _, g := range stored {
			ls[g.GuardianID] = g
		}
	}
	p.links[c] = ls
	return ls, nil
}

func (p *planner) placementsOf(ctx context.Context, c domain.ChildID) ([]domain.Placement, error) {
	if ps, ok := p.placements[c]; ok {
		return ps, nil
	}
	var ps []domain.Placement
	if !p.newChild[c] {
		stored, err := p.r.Placements(ctx, p.m, c)
		if err != nil {
			return nil, err
		}
		ps = stored
	}
	p.placements[c] = ps
	return ps, nil
}

// Lines of each kind.

func (p *planner) child(ctx context.Context, l *lineState, r row) (op, error) {
	n, ok := nationalID(l, r, "national_id")
	if ok {
		l.Key = n.Masked()
		if p.duplicate(l, n.String(), "national_id") {
			return nil, nil
		}
	}
	var old domain.Child
	var stored bool
	if ok {
		var err error
		if old, stored, err = p.lookupChild(ctx, n); err != nil {
			return nil, err
		}
	}
	c := old
	if !stored {
		c = domain.Child{ID: domain.NewID[domain.Child](), Municipality: p.m, NationalID: n}
	}
	c.GivenName = text(r, "given_name", c.GivenName)
	c.FamilyName = text(r, "family_name", c.FamilyName)
	if v, _ := r.get("birth_date"); v != "" {
		d, err := domain.ParseDate("birthDate", v)
		if err != nil {
			l.add("birth_date", domain.ReasonDate)
		} else {
			c.BirthDate = d
		}
	} else if ok {
		c.BirthDate = n.BirthDate()
	}
	c.AddressProtection = protection(l, r, c.AddressProtection)
	c.Address = address(r, c.Address)
	if err := l.merge(c.ValidateAt(p.today)); err != nil {
		return nil, err
	}
	if len(l.Problems) > 0 {
		return nil, nil
	}
	p.children[n.String()] = c
	p.childByID[c.ID] = c
	l.child = c.ID
	if !stored {
		p.newChild[c.ID] = true
		l.Action = Create
		return func(ctx context.Context, d domain.Directory) error { return d.CreateChild(ctx, c) }, nil
	}
	l.Changed = changed(append([]any{"given_name", old.GivenName, c.GivenName, "family_name", old.FamilyName, c.FamilyName,
		"birth_date", old.BirthDate, c.BirthDate, "address_protection", old.AddressProtection, c.AddressProtection},
		addressChanged(old.Address, c.Address)...)...)
	if len(l.Changed) == 0 {
		return nil, nil
	}
	l.Action = Change
	return func(ctx context.Context, d domain.Directory) error { return d.UpdateChild(ctx, c) }, nil
}

func (p *planner) guardian(ctx context.Context, l *lineState, r row) (op, error) {
	n, ok := nationalID(l, r, "national_id")
	if ok {
		l.Key = n.Masked()
		if p.duplicate(l, n.String(), "national_id") {
			return nil, nil
		}
	}
	var old domain.Guardian
	var stored bool
	if ok {
		var err error
		if old, stored, err = p.lookupGuardian(ctx, n); err != nil {
			return nil, err
		}
	}
	g := old
	if !stored {
		g = domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: p.m, NationalID: n}
	}
	g.GivenName = text(r, "given_name", g.GivenName)
	g.FamilyName = text(r, "family_name", g.FamilyName)
	g.Email = text(r, "email", g.Email)
	g.Phone = text(r, "phone", g.Phone)
	g.AddressProtection = protection(l, r, g.AddressProtection)
	g.Address = address(r, g.Address)
	if err := l.merge(g.Validate()); err != nil {
		return nil, err
	}
	if len(l.Problems) > 0 {
		return nil, nil
	}
	p.guardians[n.String()] = g
	p.guardByID[g.ID] = g
	if !stored {
		l.Action = Create
		return func(ctx context.Context, d domain.Directory) error { return d.CreateGuardian(ctx, g) }, nil
	}
	l.Changed = changed(append([]any{"given_name", old.GivenName, g.GivenName, "family_name", old.FamilyName, g.FamilyName,
		"email", old.Email, g.Email, "phone", old.Phone, g.Phone, "address_protection", old.AddressProtection, g.AddressProtection},
		addressChanged(old.Address, g.Address)...)...)
	if len(l.Changed) == 0 {
		return nil, nil
	}
	l.Action = Change
	return func(ctx context.Context, d domain.Directory) error { return d.UpdateGuardian(ctx, g) }, nil
}

func (p *planner) guardianship(ctx context.Context, l *lineState, r row) (op, error) {
	cn, okC := nationalID(l, r, "child_national_id")
	gn, okG := nationalID(l, r, "guardian_national_id")
	var child domain.Child
	var guardian domain.Guardian
	if okC {
		var err error
		var found bool
		if child, found, err = p.lookupChild(ctx, cn); err != nil {
			return nil, err
		} else if !found {
			l.add("child_national_id", ReasonNoSuchChild)
		}
	}
	if okG {
		var err error
		var found bool
		if guardian, found, err = p.lookupGuardian(ctx, gn); err != nil {
			return nil, err
		} else if !found {
			l.add("guardian_national_id", ReasonNoSuchGuardian)
		}
	}
	if okC && okG {
		l.Key = cn.Masked() + " ↔ " + gn.Masked()
		if p.duplicate(l, cn.String()+"/"+gn.String(), "guardian_national_id") {
			return nil, nil
		}
	}
	if len(l.Problems) > 0 {
		// Still check the flags, so that the line reports all it can.
		flag(l, r, "parental_responsibility", false)
		flag(l, r, "lives_with_child", false)
		return nil, nil
	}
	links, err := p.linksOf(ctx, child.ID)
	if err != nil {
		return nil, err
	}
	old, stored := links[guardian.ID]
	g := old
	if !stored {
		g = domain.Guardianship{Municipality: p.m, ChildID: child.ID, GuardianID: guardian.ID}
	}
	g.ParentalResponsibility = flag(l, r, "parental_responsibility", g.ParentalResponsibility)
	g.LivesWithChild = flag(l, r, "lives_with_child", g.LivesWithChild)
	if err := l.merge(g.Validate()); err != nil {
		return nil, err
	}
	if len(l.Problems) == 0 {
		if err := l.merge(domain.CheckGuardianship(ctx, p.view(), g)); err != nil {
			return nil, err
		}
	}
	if len(l.Problems) > 0 {
		return nil, nil
	}
	links[guardian.ID] = g
	l.child = child.ID
	put := func(ctx context.Context, d domain.Directory) error { return d.PutGuardianship(ctx, g) }
	if !stored {
		l.Action = Create
		return put, nil
	}
	l.Changed = changed("parental_responsibility", old.ParentalResponsibility, g.ParentalResponsibility,
		"lives_with_child", old.LivesWithChild, g.LivesWithChild)
	if len(l.Changed) == 0 {
		return nil, nil
	}
	l.Action = Change
	return put, nil
}

func (p *planner) unit(ctx context.Context, l *lineState, r row) (op, error) {
	name, _ := r.get("name")
	l.Key = name
	if !domain.Blank(name) && p.duplicate(l, fold(name), "name") {
		return nil, nil
	}
	var old domain.Unit
	stored := false
	if !domain.Blank(name) {
		var err error
		if old, stored, err = p.lookupUnit(ctx, nil, "name", name); err != nil {
			return nil, err
		}
		if len(p.units[fold(name)]) > 1 {
			l.add("name", ReasonAmbiguous)
			return nil, nil
		}
	}
	u := old
	if !stored {
		u = domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: p.m, Name: name, Owner: domain.Municipal}
	}
	u.Name = name
	u.Kind = domain.UnitKind(text(r, "kind", string(u.Kind)))
	u.Owner = domain.Owner(text(r, "owner", string(u.Owner)))
	if u.Owner == "" {
		u.Owner = domain.Municipal
	}
	if v, ok := r.get("parent"); ok {
		u.Parent = domain.UnitID{}
		if v != "" {
			parent, found, err := p.lookupUnit(ctx, l, "parent", v)
			if err != nil {
				return nil, err
			}
			if found {
				u.Parent = parent.ID
			}
		}
	}
	u.Grades.From = integer(l, r, "grade_from", u.Grades.From)
	u.Grades.To = integer(l, r, "grade_to", u.Grades.To)
	u.Address = address(r, u.Address)
	if err := l.merge(u.Validate()); err != nil {
		return nil, err
	}
	if len(l.Problems) == 0 {
		check := domain.CheckUnit(ctx, p.view(), u)
		if stored {
			check = domain.CheckUnitUpdate(ctx, p.view(), u)
		}
		if err := l.merge(check); err != nil {
			return nil, err
		}
	}
	if len(l.Problems) > 0 {
		return nil, nil
	}
	p.units[fold(name)] = []domain.Unit{u}
	p.unitByID[u.ID] = u
	if !stored {
		p.newUnit[u.ID] = true
		l.Action = Create
		return func(ctx context.Context, d domain.Directory) error { return d.CreateUnit(ctx, u) }, nil
	}
	l.Changed = changed(append([]any{"name", old.Name, u.Name, "kind", old.Kind, u.Kind, "owner", old.Owner, u.Owner,
		"parent", old.Parent, u.Parent, "grade_from", old.Grades.From, u.Grades.From, "grade_to", old.Grades.To, u.Grades.To},
		addressChanged(old.Address, u.Address)...)...)
	if len(l.Changed) == 0 {
		return nil, nil
	}
	l.Action = Change
	return func(ctx context.Context, d domain.Directory) error { return d.UpdateUnit(ctx, u) }, nil
}

func (p *planner) group(ctx context.Context, l *lineState, r row) (op, error) {
	unitName, _ := r.get("unit")
	name, _ := r.get("name")
	l.Key = unitName + " / " + name
	unit, found := domain.Unit{}, false
	if domain.Blank(unitName) {
		l.add("unit", domain.ReasonRequired)
	} else {
		var err error
		if unit, found, err = p.lookupUnit(ctx, l, "unit", unitName); err != nil {
			return nil, err
		}
	}
	if found && !domain.Blank(name) && p.duplicate(l, unit.ID.String()+"/"+fold(name), "name") {
		return nil, nil
	}
	var old domain.Group
	stored := false
	if found {
		gs, err := p.groupsOf(ctx, unit.ID)
		if err != nil {
			return nil, err
		}
		old, stored = gs[fold(name)]
	}
	g := old
	if !stored {
		g = domain.Group{ID: domain.NewID[domain.Group](), Municipality: p.m, UnitID: unit.ID}
	}
	g.Name = name
	g.AgeGroup = domain.AgeGroup(text(r, "age_group", string(g.AgeGroup)))
	g.Grades.From = integer(l, r, "grade_from", g.Grades.From)
	g.Grades.To = integer(l, r, "grade_to", g.Grades.To)
	if found {
		if err := l.merge(g.Validate()); err != nil {
			return nil, err
		}
	}
	if found && len(l.Problems) == 0 {
		check := domain.CheckGroup(ctx, p.view(), g)
		if stored {
			check = domain.CheckGroupUpdate(ctx, p.view(), g)
		}
		if err := l.merge(check); err != nil {
			return nil, err
		}
	}
	if len(l.Problems) > 0 {
		return nil, nil
	}
	p.groups[unit.ID][fold(name)] = g
	p.groupByID[g.ID] = g
	if !stored {
		l.Action = Create
		return func(ctx context.Context, d domain.Directory) error { return d.CreateGroup(ctx, g) }, nil
	}
	l.Changed = changed("name", old.Name, g.Name, "age_group", old.AgeGroup, g.AgeGroup,
		"grade_from", old.Grades.From, g.Grades.From, "grade_to", old.Grades.To, g.Grades.To)
	if len(l.Changed) == 0 {
		return nil, nil
	}
	l.Action = Change
	return func(ctx context.Context, d domain.Directory) error { return d.UpdateGroup(ctx, g) }, nil
}

func (p *planner) placement(ctx context.Context, l *lineState, r row) (op, error) {
	cn, okC := nationalID(l, r, "child_national_id")
	var child domain.Child
	if okC {
		var err error
		var found bool
		if child, found, err = p.lookupChild(ctx, cn); err != nil {
			return nil, err
		} else if !found {
			l.add("child_national_id", ReasonNoSuchChild)
			okC = false
		}
	}
	unitName, _ := r.get("unit")
	var unit domain.Unit
	okU := false
	if domain.Blank(unitName) {
		l.add("unit", domain.ReasonRequired)
	} else {
		var err error
		if unit, okU, err = p.lookupUnit(ctx, l, "unit", unitName); err != nil {
			return nil, err
		}
	}
	var group domain.Group
	if gname, _ := r.get("group"); gname != "" && okU {
		gs, err := p.groupsOf(ctx, unit.ID)
		if err != nil {
			return nil, err
		}
		g, ok := gs[fold(gname)]
		if !ok {
			l.add("group", ReasonNoSuchGroup)
		}
		group = g
	}
	hours := integer(l, r, "hours_per_week", 0)
	var period domain.Period
	if v, _ := r.get("start"); v == "" {
		l.add("start", domain.ReasonRequired)
	} else if d, err := domain.ParseDate("start", v); err != nil {
		l.add("start", domain.ReasonDate)
	} else {
		period.Start = d
	}
	if v, _ := r.get("end"); v != "" {
		if d, err := domain.ParseDate("end", v); err != nil {
			l.add("end", domain.ReasonDate)
		} else {
			period.End = d
		}
	}
	if okC && okU && period.Start != date.Zero {
		l.Key = fmt.Sprintf("%s @ %s %s", cn.Masked(), unit.Name, period.Start)
		if p.duplicate(l, cn.String()+"/"+unit.ID.String()+"/"+period.Start.String(), "start") {
			return nil, nil
		}
	}
	if !okC || !okU {
		return nil, nil
	}
	ps, err := p.placementsOf(ctx, child.ID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(ps, func(pl domain.Placement) bool {
		return pl.UnitID == unit.ID && pl.Period.Start == period.Start
	})
	stored := i >= 0
	var old domain.Placement
	pl := domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: p.m, ChildID: child.ID}
	if stored {
		old = ps[i]
		pl = old
	}
	pl.UnitID, pl.GroupID, pl.Kind, pl.HoursPerWeek, pl.Period = unit.ID, group.ID, unit.Kind, hours, period
	if err := l.merge(pl.Validate()); err != nil {
		return nil, err
	}
	if len(l.Problems) == 0 {
		if err := l.merge(domain.CheckPlacement(ctx, p.view(), pl)); err != nil {
			return nil, err
		}
	}
	if len(l.Problems) == 0 {
		for _, other := range ps {
			if other.ID != pl.ID && other.Kind == pl.Kind && other.Period.Overlaps(pl.Period) {
				l.add("start", ReasonOverlap)
				break
			}
		}
	}
	if len(l.Problems) > 0 {
		return nil, nil
	}
	l.child = child.ID
	if stored {
		ps[i] = pl
	} else {
		p.placements[child.ID] = append(ps, pl)
	}
	if !stored {
		l.Action = Create
		return func(ctx context.Context, d domain.Directory) error { return d.CreatePlacement(ctx, pl) }, nil
	}
	l.Changed = changed("group", old.GroupID, pl.GroupID, "hours_per_week", old.HoursPerWeek, pl.HoursPerWeek,
		"end", old.Period.End, pl.Period.End)
	if len(l.Changed) == 0 {
		return nil, nil
	}
	l.Action = Change
	return func(ctx context.Context, d domain.Directory) error { return d.UpdatePlacement(ctx, pl) }, nil
}
