package admissionweb_test

import (
	"os"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

func TestZZTiming(t *testing.T) {
	var ta *webtest.Harness
	if os.Getenv("PG") != "" {
		ta = webtest.NewPostgres(t)
	} else {
		ta = webtest.New(t)
	}
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	intake, _, err := webtest.BigIntake(t.Context(), ta, 2000)
	require.NoError(t, err)
	path := "/admission/intakes/" + intake.String()
	ta.Do(t, cw, "GET", path, "", "")
	f, _ := os.Create("/tmp/lists/cpu.prof")
	pprof.StartCPUProfile(f)
	for range 3 {
		s := time.Now()
		var before int64
		if ta.SQL != nil {
			before = ta.SQL.Count()
		}
		r := ta.Do(t, cw, "GET", path, "", "")
		var n int64
		if ta.SQL != nil {
			n = ta.SQL.Count() - before
		}
		t.Logf("%d %v stmts=%d bytes=%d", r.Status, time.Since(s), n, len(r.Body))
	}
	pprof.StopCPUProfile()
}
