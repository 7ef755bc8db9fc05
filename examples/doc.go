// Package examples holds small runnable programs that show a vendor how to
// embed each capability of Oppvekst in a product. Each subdirectory is one
// program: go run ./examples/<name>.
package examples
