package admission

import (
	"context"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// Store is the store port of admission: intakes, applications, runs and
// offers. Waiting lists, statuses, histories and decisions are derived from
// these records by the Service.
//
// Every method is scoped by municipality; a record of another municipality
// is domain.ErrNotFound. Writes validate the record first
// (*domain.ValidationError, nothing written), join the transaction of ctx
// (domain.Transactor) and report clashes as *domain.ConflictError: a taken
// ID (field "id"), a second application for a child in an intake (field
// "child"), a second approved run of an intake (field "approved"), a second
// open offer for an application (field "application"). A write that refers
// to a record that does not exist (an intake, child, application or unit)
// is a *domain.ValidationError on the field naming it. Updating a record
// that does not exist is domain.ErrNotFound. The rules a write must meet
// against stored records are CheckOffer, CheckAnswer,
// CheckApplicationUpdate and Run.Approve, called by every store.
type Store interface {
	CreateIntake(ctx context.Context, in Intake) error
	// UpdateIntake replaces a stored intake (the rules of a change,
	// CheckIntakeChange, are the Service's: they need the intake's
	// applications and runs).
	UpdateIntake(ctx context.Context, in Intake) error
	Intake(ctx context.Context, m domain.Municipality, id IntakeID) (Intake, error)
	// Intakes lists the municipality's intakes, oldest first (by ID).
	Intakes(ctx context.Context, m domain.Municipality) ([]Intake, error)
	// IntakeFigures counts, for every intake of the municipality in one
	// read, its applications and runs and whether one is approved, by
	// intake ID (a list of intakes reads no intake's records one by one).
	IntakeFigures(ctx context.Context, m domain.Municipality) ([]IntakeFigures, error)

	CreateApplication(ctx context.Context, a Application) error
	// UpdateApplication replaces an application; its intake and child
	// cannot change.
	UpdateApplication(ctx context.Context, a Application) error
	Application(ctx context.Context, m domain.Municipality, id ApplicationID) (Application, error)
	// Applications lists an intake's applications by ID.
	Applications(ctx context.Context, m domain.Municipality, intake IntakeID) ([]Application, error)
	// ApplicationsAfter lists at most limit of an intake's applications
	// by ID, those after the ID after (the zero ID: from the first): a
	// page of Applications, cut in the store (keyset).
	ApplicationsAfter(ctx context.Context, m domain.Municipality, intake IntakeID, after ApplicationID, limit int) ([]Application, error)
	// ApplicationsFound is ApplicationsAfter searched in the store: the
	// applications of the children with every word of search in the name
	// (domain.MatchesSearch) or a national ID starting with it
	// (domain.NationalIDPrefix), never a read of the whole intake.
	ApplicationsFound(ctx context.Context, m domain.Municipality, intake IntakeID, after ApplicationID, limit int, search string) ([]Application, error)
	// ChildApplications lists a child's applications by ID.
	ChildApplications(ctx context.Context, m domain.Municipality, child domain.ChildID) ([]Application, error)
	// Entrants lists an intake's applications by ID as its waiting
	// lists, statuses and obligations are worked out from them: each with
	// the child's birth date and, for an application in the intake's
	// approved run, the run's draw (Drawn, Tiebreak). One read, instead of
	// the applications, their children and the approved run's results.
	Entrants(ctx context.Context, m domain.Municipality, intake IntakeID) ([]Entrant, error)
	// EndedApplications lists the IDs of an intake's applications that
	// are withdrawn or rejected, by ID: what a run's approval needs of
	// the applications (the others are active), without reading them all.
	EndedApplications(ctx context.Context, m domain.Municipality, intake IntakeID) ([]ApplicationID, error)

	CreateRun(ctx context.Context, r Run) error
	// ApproveRun marks a draft run approved. A run already approved, or an
	// intake that has an approved run, is a *domain.ConflictError on field
	// "approved".
	ApproveRun(ctx context.Context, m domain.Municipality, id RunID, at time.Time, by string) error
	// Run reads a run with its results.
	Run(ctx context.Context, m domain.Municipality, id RunID) (Run, error)
	// RunHeader reads a run with its statistics, without its results
	// (megabytes at 50,000 children): what a run's summary needs.
	RunHeader(ctx context.Context, m domain.Municipality, id RunID) (Run, error)
	// Runs lists an intake's runs by ID, without their results.
	Runs(ctx context.Context, m domain.Municipality, intake IntakeID) ([]Run, error)

	// CreateOffers writes many offers in one go (the offers of an approved
	// run): all or none.
	CreateOffers(ctx context.Context, os []Offer) error
	// UpdateOffer replaces an offer (its answer); only an open offer may
	// change.
	UpdateOffer(ctx context.Context, o Offer) error
	Offer(ctx context.Context, m domain.Municipality, id OfferID) (Offer, error)
	// IntakeOffers lists an intake's offers by ID.
	IntakeOffers(ctx context.Context, m domain.Municipality, intake IntakeID) ([]Offer, error)
	// ApplicationOffers lists an application's offers by ID.
	ApplicationOffers(ctx context.Context, m domain.Municipality, app ApplicationID) ([]Offer, error)
	// DueOffers lists the open offers whose deadline is at or before t, by
	// ID.
	DueOffers(ctx context.Context, m domain.Municipality, t time.Time) ([]Offer, error)

	// AdmissionSettings reads the municipality's latest settings;
	// domain.ErrNotFound when it has saved none.
	AdmissionSettings(ctx context.Context, m domain.Municipality) (Settings, error)
	// AdmissionSettingsHistory lists every saved version, newest first.
	AdmissionSettingsHistory(ctx context.Context, m domain.Municipality) ([]Settings, error)
	// SaveAdmissionSettings stores a new version of the settings; its
	// Version must be one more than the latest (1 for the first), else a
	// *domain.ConflictError on "version".
	SaveAdmissionSettings(ctx context.Context, s Settings) error
}

// Entrant is one application of an intake with what its places on the
// waiting lists depend on besides the application (Store.Entrants).
type Entrant struct {
	Application Application
	// Birth is the child's birth date (the age group).
	Birth date.Date
	// Drawn reports whether the intake's approved run drew the
	// application; Tiebreak is then its draw.
	Drawn    bool
	Tiebreak int64
}

// IntakeFigures are an intake's figures as a list of intakes shows them.
type IntakeFigures struct {
	Intake       IntakeID
	Applications int
	Runs         int
	Approved     bool // one of its runs is approved
}

// ServiceStore is what the Service needs: the directory (children,
// guardianships, units, placements), transactions, and the admission
// records. One adapter (SQLite, PostgreSQL) implements it.
type ServiceStore interface {
	domain.Store
	Store
	CatchmentStore
}
