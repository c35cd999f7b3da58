// Command buildlambda builds the rotation function for AWS Lambda's
// provided.al2023 runtime on arm64 and packs it into the zip the program
// deploys:
//
//	go run ./cmd/buildlambda            # writes build/rotation.zip
//	go run ./cmd/buildlambda -out f.zip
//
// The zip holds one file, bootstrap, with a fixed timestamp, so the same
// source gives the same archive and `pulumi preview` shows no change.
//
// Beside the zip it writes what an operator needs to scan what is deployed:
// <name>.buildinfo.txt, the toolchain and every module version and hash
// compiled in (from the binary's own build information), and
// <name>.cdx.json, a CycloneDX SBOM of the binary from cyclonedx-gomod.
// Both are reproducible, like the zip.
//
// It refuses to build with a Go toolchain older than go.mod's toolchain
// line: the function handles every secret, and older toolchains reach
// known standard-library vulnerabilities (see .ci/vulncheck).
package main

import (
	"archive/zip"
	"bufio"
	"debug/buildinfo"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// cyclonedxGomod is the SBOM generator, from the Go module proxy.
const cyclonedxGomod = "github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod@v1.10.0"

func main() {
	out := flag.String("out", filepath.Join("build", "rotation.zip"), "the zip to write")
	pkg := flag.String("pkg", "./cmd/rotation", "the package to build")
	flag.Parse()
	if err := build(*pkg, *out); err != nil {
		fmt.Fprintln(os.Stderr, "buildlambda:", err)
		os.Exit(1)
	}
}

func build(pkg, out string) error {
	want, err := goModToolchain("go.mod")
	if err != nil {
		return err
	}
	have, err := exec.Command("go", "env", "GOVERSION").Output()
	if err != nil {
		return fmt.Errorf("go env GOVERSION: %w", err)
	}
	if err := checkToolchain(strings.TrimSpace(string(have)), want); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "buildlambda")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "bootstrap")
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-tags", "lambda.norpc",
		"-ldflags", "-s -w", "-o", bin, pkg)
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s: %w", pkg, err)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o750); err != nil {
		return err
	}
	if err := pack(bin, out); err != nil {
		return err
	}
	fmt.Println("wrote", out)
	stem := strings.TrimSuffix(out, filepath.Ext(out))
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		return fmt.Errorf("read build information of %s: %w", pkg, err)
	}
	if err := os.WriteFile(stem+".buildinfo.txt", []byte(info.String()+"\n"), 0o600); err != nil {
		return err
	}
	fmt.Println("wrote", stem+".buildinfo.txt", "("+info.GoVersion+")")
	// -noserial and -notimestamp keep the SBOM reproducible; -std lists the
	// standard library, whose version decides most Go advisories.
	sbom := exec.Command("go", "run", cyclonedxGomod, "bin", "-json", "-std", "-noserial", "-notimestamp",
		"-output", stem+".cdx.json", bin)
	sbom.Stdout, sbom.Stderr = os.Stdout, os.Stderr
	if err := sbom.Run(); err != nil {
		return fmt.Errorf("SBOM (%s): %w", cyclonedxGomod, err)
	}
	fmt.Println("wrote", stem+".cdx.json")
	return nil
}

// goModToolchain returns go.mod's toolchain line (for example go1.27.3).
func goModToolchain(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("run from the project directory: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "toolchain "); ok {
			return strings.TrimSpace(v), nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", fmt.Errorf("%s has no toolchain line: the rotation function's toolchain must be pinned", path)
}

// checkToolchain refuses a toolchain older than want. Both are go1.X.Y names.
func checkToolchain(have, want string) error {
	h, err := goVersion(have)
	if err != nil {
		return err
	}
	w, err := goVersion(want)
	if err != nil {
		return fmt.Errorf("go.mod toolchain: %w", err)
	}
	for i := range h {
		if h[i] != w[i] {
			if h[i] < w[i] {
				return fmt.Errorf("the go command is %s, older than go.mod's toolchain %s, which fixes known vulnerabilities the function would reach; export GOTOOLCHAIN=%s (or unset GOTOOLCHAIN=local) and run again", have, want, want)
			}
			return nil
		}
	}
	return nil
}

// goVersion parses go1.X or go1.X.Y. Pre-releases (go1.28rc1) are refused:
// a deployed function is built with a release.
func goVersion(v string) ([3]int, error) {
	var out [3]int
	rest, ok := strings.CutPrefix(v, "go")
	parts := strings.Split(rest, ".")
	if !ok || len(parts) < 2 || len(parts) > 3 {
		return out, fmt.Errorf("%q is not a Go release version (go1.X.Y)", v)
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return out, fmt.Errorf("%q is not a Go release version (go1.X.Y)", v)
		}
		out[i] = n
	}
	return out, nil
}

// pack writes bin as an executable "bootstrap" into a new zip at out.
func pack(bin, out string) error {
	src, err := os.Open(bin)
	if err != nil {
		return err
	}
	defer src.Close()
	tmp := out + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	h := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate, Modified: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}
	h.SetMode(0o755)
	w, err := zw.CreateHeader(h)
	if err == nil {
		_, err = io.Copy(w, src)
	}
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(tmp) // best effort: the error that matters is returned
		return fmt.Errorf("write %s: %w", out, err)
	}
	return os.Rename(tmp, out)
}
