// Package pdftest has test helpers for packages that make PDFs: the text
// of a PDF (poppler's pdftotext) and a PDF/A-1b check (Apache PDFBox
// Preflight). Both tools come from Debian:
//
//	apt-get install poppler-utils libpdfbox2-java libactivation-java libjaxb-api-java default-jre-headless
//
// When a tool is missing, a test fails in CI (CI set) and is skipped
// elsewhere, saying what to install.
package pdftest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Install is the Debian command that installs the tools the helpers run.
const Install = "apt-get install poppler-utils libpdfbox2-java libactivation-java libjaxb-api-java default-jre-headless"

// javaDir is where Debian puts its Java libraries.
const javaDir = "/usr/share/java"

// preflightJars is the class path of PDFBox Preflight as Debian packages
// it: preflight and its PDFBox, FontBox and XMPBox, commons-logging, and
// the javax.activation and JAXB API jars the JDK no longer ships.
var preflightJars = []string{
	"preflight.jar", "pdfbox2.jar", "fontbox2.jar", "xmpbox.jar",
	"commons-logging.jar", "javax.activation.jar", "jaxb-api.jar",
}

// missing fails (in CI) or skips (elsewhere) a test whose tool is missing.
func missing(t testing.TB, what string) {
	t.Helper()
	msg := what + " is missing; install it with: " + Install
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// write puts pdf into a temporary file and returns its path.
func write(t testing.TB, pdf []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Text returns the text of pdf as pdftotext -layout extracts it: pages
// are separated by form feeds, lines keep their order on the page.
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		missing(t, "pdftotext (Debian poppler-utils)")
	}
	var out, errb bytes.Buffer
	cmd := exec.Command(bin, "-layout", "-enc", "UTF-8", write(t, pdf), "-")
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("pdftotext: %v: %s", err, errb.String())
	}
	return out.String()
}

// ValidatePDFA checks pdf with PDFBox Preflight as PDF/A-1b and fails the
// test with the validator's messages when it is not.
func ValidatePDFA(t testing.TB, pdf []byte) {
	t.Helper()
	java, err := exec.LookPath("java")
	if err != nil {
		missing(t, "java (Debian default-jre-headless)")
	}
	cp := make([]string, len(preflightJars))
	for i, j := range preflightJars {
		cp[i] = filepath.Join(javaDir, j)
		if _, err := os.Stat(cp[i]); err != nil {
			missing(t, cp[i])
		}
	}
	var out bytes.Buffer
	cmd := exec.Command(java, "-cp", strings.Join(cp, ":"), "org.apache.pdfbox.preflight.Validator_A1b", write(t, pdf))
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	text := out.String()
	if err != nil || !strings.Contains(text, "is a valid PDF/A-1b file") {
		t.Fatalf("not valid PDF/A-1b (%v):\n%s", err, text)
	}
}
