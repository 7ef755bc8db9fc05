package messaging_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

func TestStoreRules(t *testing.T) {
	m := domain.MustMunicipality("0301")
	now := time.Date(2025, 3, 10, 9, 0, 0, 0, domain.Oslo())
	th := messaging.Thread{ID: domain.NewID[messaging.Thread](), Municipality: m, About: messaging.About{Scope: messaging.ScopeMunicipality},
		Subject: "Planleggingsdag", Author: messaging.Author{Role: domain.RoleStaff, Subject: "ansatt"}, CreatedAt: now}
	first := messaging.Message{ID: domain.NewID[messaging.Message](), Municipality: m, Thread: th.ID, Author: th.Author, Body: "Stengt fredag.",
		CreatedAt: now}
	p := messaging.Participant{Municipality: m, Thread: th.ID, Guardian: domain.NewID[domain.Guardian]()}
	require.NoError(t, messaging.CheckThread(th, first, []messaging.Participant{p}))
	for field, edit := range map[string]func(*messaging.Thread, *messaging.Message, *messaging.Participant){
		"subject": func(t *messaging.Thread, _ *messaging.Message, _ *messaging.Participant) { t.Subject = "" },
		"body":    func(_ *messaging.Thread, f *messaging.Message, _ *messaging.Participant) { f.Body = "" },
		"thread": func(_ *messaging.Thread, f *messaging.Message, _ *messaging.Participant) {
			f.Thread = domain.NewID[messaging.Thread]()
		},
		"participants[0]": func(_ *messaging.Thread, _ *messaging.Message, p *messaging.Participant) {
			p.Guardian = domain.GuardianID{}
		},
	} {
		th2, first2, p2 := th, first, p
		edit(&th2, &first2, &p2)
		err := messaging.CheckThread(th2, first2, []messaging.Participant{p2})
		assert.ErrorIs(t, err, domain.ErrInvalid, field)
		assert.Equal(t, field, domain.FieldOf(err))
	}

	for _, s := range []messaging.State{messaging.Pending, messaging.Sent, messaging.Dead} {
		assert.NoError(t, messaging.Outcome{State: s}.Validate(), s)
	}
	err := messaging.Outcome{State: "maybe"}.Validate()
	assert.ErrorIs(t, err, domain.ErrInvalid)
	assert.Equal(t, "state", domain.FieldOf(err))

	older, newer := th, th
	older.ID, newer.ID = domain.NewID[messaging.Thread](), domain.NewID[messaging.Thread]()
	older.CreatedAt, newer.CreatedAt = now.Add(-time.Hour), now.Add(time.Hour)
	ts := []messaging.Thread{older, th, newer}
	messaging.SortThreads(ts)
	assert.Equal(t, []messaging.ThreadID{newer.ID, th.ID, older.ID}, []messaging.ThreadID{ts[0].ID, ts[1].ID, ts[2].ID}, "newest first")
}
