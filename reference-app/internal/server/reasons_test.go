package server_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/fiksio"
	"github.com/oppvekst/oppvekst/adapters/migrationcsv"
	"github.com/oppvekst/oppvekst/adapters/postgres"
	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/conversations"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
	"github.com/oppvekst/oppvekst/reference-app/internal/admissionweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/attendanceweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/billingweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/calendarweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/conversationsweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/directoryweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/messagingweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/privacyweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/registryweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/reportsweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/specialedweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/staffweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
	"github.com/oppvekst/oppvekst/reports"
	"github.com/oppvekst/oppvekst/specialed"
)

// reasonTables are the ReasonTexts of every package of the library and
// the app that refuses input: nothing registers them, so this list names
// them all (a package with a table missing here fails
// TestEveryPackageTableIsNamed).
var reasonTables = map[string]map[string]string{
	"domain":                                  domain.ReasonTexts,
	"admission":                               admission.ReasonTexts,
	"attendance":                              attendance.ReasonTexts,
	"billing":                                 billing.ReasonTexts,
	"messaging":                               messaging.ReasonTexts,
	"adapters/sqlite":                         sqlite.ReasonTexts,
	"adapters/postgres":                       postgres.ReasonTexts,
	"adapters/migrationcsv":                   migrationcsv.ReasonTexts,
	"adapters/fiksio":                         fiksio.ReasonTexts,
	"specialed":                               specialed.ReasonTexts,
	"conversations":                           conversations.ReasonTexts,
	"reports":                                 reports.ReasonTexts,
	"reference-app/internal/web":              web.ReasonTexts,
	"reference-app/internal/web/api":          api.ReasonTexts,
	"reference-app/internal/admissionweb":     admissionweb.ReasonTexts,
	"reference-app/internal/attendanceweb":    attendanceweb.ReasonTexts,
	"reference-app/internal/billingweb":       billingweb.ReasonTexts,
	"reference-app/internal/calendarweb":      calendarweb.ReasonTexts,
	"reference-app/internal/directoryweb":     directoryweb.ReasonTexts,
	"reference-app/internal/messagingweb":     messagingweb.ReasonTexts,
	"reference-app/internal/privacyweb":       privacyweb.ReasonTexts,
	"reference-app/internal/registryweb":      registryweb.ReasonTexts,
	"reference-app/internal/reportsweb":       reportsweb.ReasonTexts,
	"reference-app/internal/staffweb":         staffweb.ReasonTexts,
	"reference-app/internal/specialedweb":     specialedweb.ReasonTexts,
	"reference-app/internal/conversationsweb": conversationsweb.ReasonTexts,
}

// allTables is reasonTables as the list an application names.
func allTables() domain.ReasonTables {
	names := make([]string, 0, len(reasonTables))
	for n := range reasonTables {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make(domain.ReasonTables, 0, len(names))
	for _, n := range names {
		out = append(out, reasonTables[n])
	}
	return out
}

// codeDirs are the module's top-level directories with the library's and
// the app's code: every one but the browser tests, the examples, the
// scripts and the conformance runner, so a new capability (specialed, …)
// is scanned without being named here.
func codeDirs(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join("..", "..", ".."))
	require.NoError(t, err)
	skip := map[string]bool{"e2e": true, "examples": true, "scripts": true, "conformance": true}
	var out []string
	for _, e := range entries {
		if e.IsDir() && !skip[e.Name()] && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, e.Name())
		}
	}
	require.Subset(t, out, []string{"domain", "admission", "billing", "attendance", "messaging", "specialed", "adapters", "reference-app"})
	return out
}

// TestEveryPackageTableIsNamed fails when a package declares ReasonTexts
// that reasonTables does not name (its codes would go unchecked).
func TestEveryPackageTableIsNamed(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	found := map[string]bool{}
	for _, d := range codeDirs(t) {
		err := filepath.WalkDir(filepath.Join(root, d), func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
			if err != nil {
				return err
			}
			if f.Scope.Lookup("ReasonTexts") != nil {
				rel, err := filepath.Rel(root, filepath.Dir(path))
				require.NoError(t, err)
				found[filepath.ToSlash(rel)] = true
			}
			return nil
		})
		require.NoError(t, err)
	}
	for pkg := range found {
		assert.Contains(t, reasonTables, pkg, "%s declares ReasonTexts: name it in reasonTables", pkg)
	}
	assert.Len(t, found, len(reasonTables), "every named table is declared")
}

// reasonArg is where the reason code is among the arguments of the calls
// that refuse input: p.Add(field, code, …), domain.Invalid(field, code,
// …), domain.Conflict, domain.NewFieldError, and the packages' small
// helpers that pass a code on.
var reasonArg = map[string]int{
	"Add": 1, "Invalid": 1, "Conflict": 1, "NewFieldError": 1,
	"refError": 2, "refErr": 2, "orInvalid": 2, "refused": 3, "invalidNationalID": 0,
	"add": 2, "set": 1,
}

// helperArgs is how many arguments the helpers that pass a code on take
// (another function of the same name is no such helper).
var helperArgs = map[string]int{"refError": 3, "refErr": 3, "orInvalid": 3, "refused": 4, "add": 3, "set": 2}

// notRefusals are Reason* constants that name something else than a
// refusal: attendance.ReasonHealth and ReasonGuardianReported are the
// reasons of a documented school absence.
var notRefusals = map[string]bool{"health": true, "guardian-reported": true}

// sourceCodes finds every literal reason in the library's and the app's
// source: the second argument of the calls above, Reason: in a
// FieldError, ConflictError or UnknownRulesError, and the value of an
// untyped Reason* constant. It reports the literals that are no code.
func sourceCodes(t *testing.T) (codes map[string]string, notCodes []string) {
	t.Helper()
	root := filepath.Join("..", "..", "..")
	codes = map[string]string{}
	for _, d := range codeDirs(t) {
		err := filepath.WalkDir(filepath.Join(root, d), func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			lit := func(e ast.Expr) (string, bool) {
				b, ok := e.(*ast.BasicLit)
				if !ok || b.Kind != token.STRING {
					return "", false
				}
				s, err := strconv.Unquote(b.Value)
				return s, err == nil
			}
			note := func(pos token.Pos, s string) {
				if domain.IsReasonCode(s) {
					codes[s] = fset.Position(pos).String()
				} else {
					notCodes = append(notCodes, fset.Position(pos).String()+": "+strconv.Quote(s))
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.CallExpr:
					name := ""
					switch fn := x.Fun.(type) {
					case *ast.Ident:
						name = fn.Name
					case *ast.SelectorExpr:
						name = fn.Sel.Name
					}
					i, ok := reasonArg[name]
					if !ok || len(x.Args) <= i {
						return true
					}
					if n, helper := helperArgs[name]; helper && len(x.Args) != n {
						return true
					}
					if name == "Add" && len(x.Args) >= 2 {
						// p.Add(field, code, …) has a string field first;
						// big.Int.Add and the like do not.
						if _, isLit := lit(x.Args[0]); !isLit {
							if _, isIdent := x.Args[0].(*ast.BasicLit); isIdent {
								return true
							}
						}
					}
					if s, ok := lit(x.Args[i]); ok {
						note(x.Args[i].Pos(), s)
					}
				case *ast.CompositeLit:
					typ := ""
					switch tx := x.Type.(type) {
					case *ast.Ident:
						typ = tx.Name
					case *ast.SelectorExpr:
						typ = tx.Sel.Name
					}
					if typ != "FieldError" && typ != "ConflictError" && typ != "UnknownRulesError" {
						return true
					}
					for _, el := range x.Elts {
						kv, ok := el.(*ast.KeyValueExpr)
						if k, isIdent := kv.Key.(*ast.Ident); ok && isIdent && k.Name == "Reason" {
							if s, ok := lit(kv.Value); ok {
								note(kv.Value.Pos(), s)
							}
						}
					}
				case *ast.ValueSpec:
					if x.Type != nil {
						return true
					}
					for i, id := range x.Names {
						if strings.HasPrefix(id.Name, "Reason") && i < len(x.Values) {
							if s, ok := lit(x.Values[i]); ok && !notRefusals[s] {
								note(x.Values[i].Pos(), s)
							}
						}
					}
				}
				return true
			})
			return nil
		})
		require.NoError(t, err)
	}
	return codes, notCodes
}

// TestEveryReasonHasTextInEveryLanguage fails when a reason the library
// or the app can refuse input with is a sentence instead of a code, or
// lacks a text in nb, nn or en.
func TestEveryReasonHasTextInEveryLanguage(t *testing.T) {
	ta := webtest.New(t)
	found, notCodes := sourceCodes(t)
	assert.Empty(t, notCodes, "reasons that are sentences, not codes")
	listed := allTables().Codes()
	assert.Greater(t, len(listed), 250, "the packages list their codes")
	all := map[string]bool{}
	for _, c := range listed {
		all[c] = true
		assert.True(t, domain.IsReasonCode(c), "listed reason %q is no code", c)
	}
	for c, at := range found {
		if !all[c] {
			t.Errorf("%s: reason %q is in no package's ReasonTexts", at, c)
		}
		all[c] = true
	}
	assert.Greater(t, len(found), 250, "the source scan finds the codes")
	for _, lang := range web.Languages {
		var missing []string
		for c := range all {
			if _, ok := ta.App.Catalogs[lang]["reason."+c]; !ok {
				missing = append(missing, c)
			}
		}
		sort.Strings(missing)
		assert.Empty(t, missing, "reason codes without a text in %s", lang)
	}
}

// TestFieldReasonWritesParamsInTheLanguage checks that parameters are
// filled in and dates are written as the language writes them.
func TestFieldReasonWritesParamsInTheLanguage(t *testing.T) {
	ta := webtest.New(t)
	f := domain.NewFieldError("hoursPerWeek", "out-of-range", "min", "0", "max", "60")
	end := domain.NewFieldError("period.end", "must-end-by-the-end-of-the-kindergarten-year", "end", "2026-07-31")
	for lang, want := range map[string][2]string{
		"nb": {"må være fra 0 til 60", "må slutte senest 31. juli 2026, ved slutten av barnehageåret"},
		"nn": {"må vere frå 0 til 60", "må slutte seinast 31. juli 2026, ved slutten av barnehageåret"},
		"en": {"must be from 0 to 60", "must end by 31 July 2026, the end of the kindergarten year"},
	} {
		l := ta.App.Locale(lang)
		assert.Equal(t, want[0], l.FieldReason(f), lang)
		assert.Equal(t, want[1], l.FieldReason(end), lang)
	}
}
