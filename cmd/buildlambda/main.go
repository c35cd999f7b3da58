// Command buildlambda makes a release build of the rotation function: the
// zip the program deploys, its build information and a CycloneDX SBOM
// (internal/lambdabuild). The deploy workflow runs it before `pulumi up`;
// the plan builds the zip alone when it is missing or stale.
//
//	go run ./cmd/buildlambda            # writes build/rotation.zip, .buildinfo.txt, .cdx.json
//	go run ./cmd/buildlambda -out f.zip
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/example/hardening/internal/lambdabuild"
)

func main() {
	out := flag.String("out", filepath.Join("build", "rotation.zip"), "the zip to write")
	pkg := flag.String("pkg", lambdabuild.Package, "the package to build")
	flag.Parse()
	if err := lambdabuild.Release(".", *pkg, *out, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "buildlambda:", err)
		os.Exit(1)
	}
}
