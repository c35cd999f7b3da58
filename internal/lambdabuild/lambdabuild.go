// Package lambdabuild builds the rotation function for AWS Lambda's
// provided.al2023 runtime on arm64 and packs it into the zip the program
// deploys. cmd/buildlambda makes a release build (the zip, its build
// information and an SBOM); the plan builds the zip alone when it is
// missing or older than its sources, so that a fresh clone plans with no
// step before it.
//
// The zip holds one file, bootstrap, with a fixed timestamp, so the same
// source gives the same archive and `pulumi preview` shows no change. The
// build runs with go.mod's toolchain line as GOTOOLCHAIN, whatever the
// shell sets: the function handles every secret, and older toolchains
// reach known standard-library vulnerabilities (see .ci/vulncheck).
package lambdabuild

import (
	"archive/zip"
	"bufio"
	"bytes"
	"debug/buildinfo"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Package is the rotation function's main package, relative to the module.
const Package = "./cmd/rotation"

// cyclonedxGomod is the SBOM generator, from the Go module proxy.
const cyclonedxGomod = "github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod@v1.10.0"

// target is what Lambda runs: provided.al2023 on Graviton.
var target = []string{"GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0"}

// Release builds pkg of the module in dir into the zip at out, and beside
// it what an operator needs to scan what is deployed: <name>.buildinfo.txt,
// the toolchain and every module version and hash compiled in (from the
// binary's own build information), and <name>.cdx.json, a CycloneDX SBOM of
// the binary from cyclonedx-gomod. All three are reproducible. Progress goes
// to log.
func Release(dir, pkg, out string, log io.Writer) error {
	bin, cleanup, err := compile(dir, pkg)
	if err != nil {
		return err
	}
	defer cleanup()
	if err := pack(bin, out); err != nil {
		return err
	}
	fmt.Fprintln(log, "wrote", out)
	stem := strings.TrimSuffix(out, filepath.Ext(out))
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		return fmt.Errorf("read build information of %s: %w", pkg, err)
	}
	if err := os.WriteFile(stem+".buildinfo.txt", []byte(info.String()+"\n"), 0o600); err != nil {
		return err
	}
	fmt.Fprintln(log, "wrote", stem+".buildinfo.txt", "("+info.GoVersion+")")
	// -noserial and -notimestamp keep the SBOM reproducible; -std lists the
	// standard library, whose version decides most Go advisories.
	sbom := exec.Command("go", "run", cyclonedxGomod, "bin", "-json", "-std", "-noserial", "-notimestamp",
		"-output", stem+".cdx.json", bin)
	sbom.Dir, sbom.Stdout, sbom.Stderr = dir, log, log
	if err := sbom.Run(); err != nil {
		return fmt.Errorf("SBOM (%s): %w", cyclonedxGomod, err)
	}
	fmt.Fprintln(log, "wrote", stem+".cdx.json")
	return nil
}

// Ensure builds the zip at out (relative to dir) from pkg when it is
// missing or older than a source file of the function or go.mod/go.sum,
// and reports whether it built. A project directory that holds no source
// of pkg (a copy of the stack files with a prebuilt zip) is left alone.
func Ensure(dir, pkg, out string) (bool, error) {
	if !filepath.IsAbs(out) {
		out = filepath.Join(dir, out)
	}
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(pkg))); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	zipInfo, err := os.Stat(out)
	if err == nil {
		newest, err := newestSource(dir, pkg)
		if err != nil {
			return false, err
		}
		if !zipInfo.ModTime().Before(newest) {
			return false, nil
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	bin, cleanup, err := compile(dir, pkg)
	if err != nil {
		return false, err
	}
	defer cleanup()
	if err := os.MkdirAll(filepath.Dir(out), 0o750); err != nil {
		return false, err
	}
	return true, pack(bin, out)
}

// newestSource is the latest modification time of the module's own Go
// files that pkg compiles for Lambda, and of go.mod and go.sum.
func newestSource(dir, pkg string) (time.Time, error) {
	list := exec.Command("go", "list", "-deps", "-tags", "lambda.norpc",
		"-f", `{{if and .Module .Module.Main}}{{$d := .Dir}}{{range .GoFiles}}{{$d}}/{{.}}{{"\n"}}{{end}}{{end}}`, pkg)
	list.Dir, list.Env = dir, append(os.Environ(), target...)
	var stderr bytes.Buffer
	list.Stderr = &stderr
	names, err := list.Output()
	if err != nil {
		return time.Time{}, fmt.Errorf("go list %s: %w: %s", pkg, err, strings.TrimSpace(stderr.String()))
	}
	files := append(strings.Fields(string(names)), filepath.Join(dir, "go.mod"), filepath.Join(dir, "go.sum"))
	var newest time.Time
	for _, f := range files {
		info, err := os.Stat(f)
		if err != nil {
			return time.Time{}, err
		}
		if info.ModTime().After(newest) {
			newest = info.ModTime()
		}
	}
	return newest, nil
}

// compile builds pkg into a temporary bootstrap binary with go.mod's
// toolchain; cleanup removes it.
func compile(dir, pkg string) (string, func(), error) {
	want, err := GoModToolchain(filepath.Join(dir, "go.mod"))
	if err != nil {
		return "", nil, err
	}
	env := append(os.Environ(), "GOTOOLCHAIN="+want)
	version := exec.Command("go", "env", "GOVERSION")
	version.Dir, version.Env = dir, env
	have, err := version.Output()
	if err != nil {
		return "", nil, fmt.Errorf("go env GOVERSION with GOTOOLCHAIN=%s: %w", want, err)
	}
	if err := CheckToolchain(strings.TrimSpace(string(have)), want); err != nil {
		return "", nil, err
	}
	tmp, err := os.MkdirTemp("", "lambdabuild")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { _ = os.RemoveAll(tmp) } // best effort: a temporary directory
	bin := filepath.Join(tmp, "bootstrap")
	build := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-tags", "lambda.norpc",
		"-ldflags", "-s -w", "-o", bin, pkg)
	build.Dir, build.Env = dir, append(env, target...)
	var stderr bytes.Buffer
	build.Stderr = &stderr
	if err := build.Run(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("go build %s: %w: %s", pkg, err, strings.TrimSpace(stderr.String()))
	}
	return bin, cleanup, nil
}

// GoModToolchain returns go.mod's toolchain line (for example go1.27.3).
func GoModToolchain(path string) (string, error) {
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

// CheckToolchain refuses a toolchain older than want. Both are go1.X.Y
// names.
func CheckToolchain(have, want string) error {
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
				return fmt.Errorf("the go command is %s, older than go.mod's toolchain %s, which fixes known vulnerabilities the function would reach; let the go command fetch %s (GOTOOLCHAIN=%s) and run again", have, want, want, want)
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
	if err := os.MkdirAll(filepath.Dir(out), 0o750); err != nil {
		return err
	}
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
