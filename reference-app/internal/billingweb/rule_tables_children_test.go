package billingweb_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// placedFamilies adds n children in the demo's first kindergarten from the
// start of the school year, each in a family for fees of its own; the
// first blocked of them have an income decision, so that the unknown
// free-core income threshold of 2025/26 blocks their fees.
func placedFamilies(ctx context.Context, ta *webtest.Harness, prefix string, n, blocked int) error {
	m := demo.Municipality
	units, err := ta.DB.Units(ctx, m)
	if err != nil {
		return err
	}
	var kg domain.Unit
	for _, u := range units {
		if u.Kind == domain.Kindergarten {
			kg = u
			break
		}
	}
	year := domain.SchoolYearOf(date.NewAt(webtest.Now.In(domain.Oslo())))
	return ta.DB.Atomic(ctx, func(ctx context.Context) error {
		for i := range n {
			g := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: fmt.Sprintf("Betaler%s%04d", prefix, i+1), FamilyName: "Storeng"}
			c := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: fmt.Sprintf("%s%04d", prefix, i+1), FamilyName: "Storeng",
				BirthDate: date.New(int(year)-3, time.March, 1+i%28)}
			if err := ta.DB.CreateGuardian(ctx, g); err != nil {
				return err
			}
			if err := ta.DB.CreateChild(ctx, c); err != nil {
				return err
			}
			if err := ta.DB.CreatePlacement(ctx, domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m, ChildID: c.ID,
				UnitID: kg.ID, Kind: domain.Kindergarten, HoursPerWeek: 41, Period: year.Period()}); err != nil {
				return err
			}
			f := billing.Family{ID: domain.NewID[billing.Family](), Municipality: m, Payer: g.ID}
			f.Members = []billing.Member{
				{ID: domain.NewID[billing.Member](), Municipality: m, Family: f.ID, Guardian: g.ID, Period: domain.Period{Start: year.Start()}},
				{ID: domain.NewID[billing.Member](), Municipality: m, Family: f.ID, Child: c.ID, Period: domain.Period{Start: year.Start()}},
			}
			if err := ta.DB.CreateFamily(ctx, f); err != nil {
				return err
			}
			if i < blocked {
				if err := ta.DB.CreateIncomeDecision(ctx, billing.IncomeDecision{ID: domain.NewID[billing.IncomeDecision](), Municipality: m,
					Family: f.ID, AnnualIncome: decimal.NewFromInt(450_000), Applied: year.Start().AddDate(0, 0, -20), Period: year.Period(), Documentation: "a-melding"}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// The rule tables page finds what the unknown parameters block from the
// price lists and the tables, and reads only the families those can
// block (billing.BlockedReader), not every child: the same statements at
// 100 and at 2,000 children more in kindergarten, and the rows read do
// not grow with them. Three of each batch's families have an income
// decision, and the unknown free-core income threshold of 2025/26 blocks
// their fees: the page names them.
func TestRuleTablesStatementsDoNotGrowWithChildren(t *testing.T) {
	ta := webtest.NewPostgres(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	var rows []int64
	count := func(prefix string, n int) (int64, int, string) {
		require.NoError(t, placedFamilies(t.Context(), ta, prefix, n, 3))
		require.Equal(t, 200, ta.Do(t, cw, "GET", "/billing/rule-tables", "", "").Status, "warm")
		before, read := ta.SQL.Count(), ta.SQL.Rows()
		resp := ta.Do(t, cw, "GET", "/billing/rule-tables", "", "")
		require.Equal(t, 200, resp.Status, resp.Body)
		rows = append(rows, ta.SQL.Rows()-read)
		return ta.SQL.Count() - before, len(resp.Body), resp.Body
	}
	small, bSmall, body := count("Faa", 100)
	assert.Contains(t, body, "Faa0001 Storeng", "blocked: an income decision, a child in the free-core years")
	assert.NotContains(t, body, "Faa0004 Storeng", "no income decision: the threshold is not read")
	large, bLarge, body := count("Mange", 1900)
	assert.Contains(t, body, "Mange0003 Storeng")
	assert.NotContains(t, body, "Mange0004 Storeng")
	t.Logf("/billing/rule-tables: %d statements, %d bytes, %d rows read with 100 children more; %d, %d, %d with 2,000 more",
		small, bSmall, rows[0], large, bLarge, rows[1])
	assert.Positive(t, small)
	assert.Equal(t, small, large, "the statements do not grow with the children")
	assert.Less(t, rows[1]-rows[0], int64(100), "nor the rows read")
	assert.Less(t, bLarge-bSmall, 2000, "the page grows by the three blocked children only")

	before := ta.SQL.Count()
	resp := ta.Do(t, cw, "GET", "/api/v1/rule-tables", "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	assert.Equal(t, 6, strings.Count(resp.Body, `"unknown":"freeCoreIncomeThreshold"`), "the three blocked of each batch")
	t.Logf("GET /api/v1/rule-tables: %d statements", ta.SQL.Count()-before)
}
