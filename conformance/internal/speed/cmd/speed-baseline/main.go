// Command speed-baseline writes the generated allocation vector of issue 20
// and runs the bare baseline on it (see package speed).
//
// Usage:
//
//	speed-baseline generate DIR   write DIR/allocation/generated-10000x300x5.json
//	speed-baseline solve FILE     decode FILE into plain structs, solve, check expect
//
// generate takes -children, -units, -choices and -seed before DIR. The exit
// status is 0 on success, 1 when solving or writing failed, 2 for a usage
// error.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/oppvekst/oppvekst/conformance/internal/speed"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: speed-baseline generate [-children N -units N -choices N -seed N] DIR | solve FILE")
		return 2
	}
	switch args[0] {
	case "generate":
		fs := flag.NewFlagSet("generate", flag.ContinueOnError)
		fs.SetOutput(stderr)
		size := speed.Issue20
		fs.IntVar(&size.Children, "children", size.Children, "children in the round")
		fs.IntVar(&size.Units, "units", size.Units, "units in the round")
		fs.IntVar(&size.Choices, "choices", size.Choices, "preferences per child")
		seed := fs.Uint64("seed", 20, "seed of the generator")
		if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 1 {
			fmt.Fprintln(stderr, "usage: speed-baseline generate [flags] DIR")
			return 2
		}
		data, err := speed.Generate(size, *seed)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		file := filepath.Join(fs.Arg(0), filepath.FromSlash(size.ID())+".json")
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		if err := os.WriteFile(file, data, 0o644); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		fmt.Fprintln(stdout, file)
		return 0
	case "solve":
		if len(args) != 2 {
			fmt.Fprintln(stderr, "usage: speed-baseline solve FILE")
			return 2
		}
		data, err := os.ReadFile(args[1])
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		placed, err := speed.Solve(data)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		fmt.Fprintf(stdout, "%d placed\n", placed)
		return 0
	}
	fmt.Fprintf(stderr, "unknown command %q\n", args[0])
	return 2
}
