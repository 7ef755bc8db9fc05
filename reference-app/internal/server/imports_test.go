package server_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The house rules of the reference app's packages: a capability's web
// package imports the shell (web, web/api), the demo data and its own
// library package, never another capability's web or library package; the
// shell imports no capability; the demo data, the API's edge and the OIDC
// client import nothing of the app. Only the server (and the tests'
// webtest) put them all together.
func TestPackagesImportByTheHouseRules(t *testing.T) {
	const module = "github.com/oppvekst/oppvekst/"
	const app = module + "reference-app/internal/"
	libraries := []string{"admission", "attendance", "billing", "messaging", "specialed"}
	allowed := map[string][]string{
		"web":          {"web/api", "web/oidc", "demo"},
		"web/api":      nil,
		"web/oidc":     nil,
		"demo":         nil,
		"directoryweb": {"web", "web/api", "demo"},
	}
	for _, lib := range libraries {
		// A library whose pages are not written yet (specialed) has no web
		// package; no other web package may import it all the same.
		if _, err := os.Stat(filepath.Join("..", lib+"web")); err != nil {
			continue
		}
		allowed[lib+"web"] = []string{"web", "web/api", "demo"}
	}
	for pkg, want := range allowed {
		for _, imp := range imports(t, filepath.Join("..", pkg)) {
			if other, ok := strings.CutPrefix(imp, app); ok && !slices.Contains(want, other) {
				t.Errorf("internal/%s imports internal/%s", pkg, other)
			}
			if lib, ok := strings.CutPrefix(imp, module); ok && slices.Contains(libraries, lib) && strings.HasSuffix(pkg, "web") && pkg != lib+"web" && pkg != "web" {
				t.Errorf("internal/%s imports the library package %s of another capability", pkg, lib)
			}
		}
	}
}

// imports lists what the non-test files of dir import.
func imports(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			out = append(out, path)
		}
	}
	if len(files) == 0 {
		t.Fatalf("%s has no Go files", dir)
	}
	return out
}
