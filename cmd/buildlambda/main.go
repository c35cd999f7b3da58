// Command buildlambda builds the rotation function for AWS Lambda's
// provided.al2023 runtime on arm64 and packs it into the zip the program
// deploys:
//
//	go run ./cmd/buildlambda            # writes build/rotation.zip
//	go run ./cmd/buildlambda -out f.zip
//
// The zip holds one file, bootstrap, with a fixed timestamp, so the same
// source gives the same archive and `pulumi preview` shows no change.
package main

import (
	"archive/zip"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

func main() {
	out := flag.String("out", filepath.Join("build", "rotation.zip"), "the zip to write")
	pkg := flag.String("pkg", "./cmd/rotation", "the package to build")
	flag.Parse()
	if err := build(*pkg, *out); err != nil {
		fmt.Fprintln(os.Stderr, "buildlambda:", err)
		os.Exit(1)
	}
	fmt.Println("wrote", *out)
}

func build(pkg, out string) error {
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
	return pack(bin, out)
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
