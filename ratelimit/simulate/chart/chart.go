// Package chart draws the WAF simulation's scenarios as PNG charts with
// gonum's plot library: requests a second allowed and blocked over time.
// Only the plan command imports it, so the Pulumi program does not link
// the plotting code.
package chart

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/example/hardening/ratelimit/simulate"
)

// Size of a chart, and the seconds each point averages.
const (
	Smooth = 10
	Width  = 9 * vg.Inch
	Height = 3.5 * vg.Inch
)

// PNG draws one scenario: allowed and blocked requests a second in the
// late bound, and blocked in the early bound, dashed.
func PNG(stack string, res simulate.Result) ([]byte, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: %s (WAF simulation, an estimate)", stack, res.Name)
	p.X.Label.Text = "seconds"
	p.Y.Label.Text = fmt.Sprintf("requests a second (%d s average)", Smooth)
	p.Legend.Top = true
	// Averaged over Smooth seconds: senders below one request a second
	// otherwise draw as noise.
	series := func(f func(simulate.Second) int) plotter.XYs {
		var xy plotter.XYs
		for t := 0; t < len(res.Series); t += Smooth {
			sum := 0
			for _, s := range res.Series[t:min(t+Smooth, len(res.Series))] {
				sum += f(s)
			}
			xy = append(xy, plotter.XY{X: float64(t), Y: float64(sum) / Smooth})
		}
		return xy
	}
	lines := []struct {
		name  string
		f     func(simulate.Second) int
		color color.RGBA
		dash  []vg.Length
	}{
		{"allowed (late reaction)", func(s simulate.Second) int { return s.Allowed }, color.RGBA{R: 0x2c, G: 0x7f, B: 0xb8, A: 0xff}, nil},
		{"blocked (late reaction)", func(s simulate.Second) int { return s.Blocked }, color.RGBA{R: 0xd7, G: 0x30, B: 0x27, A: 0xff}, nil},
		{"blocked (early reaction)", func(s simulate.Second) int { return s.Early }, color.RGBA{R: 0xfc, G: 0x8d, B: 0x59, A: 0xff}, []vg.Length{vg.Points(4), vg.Points(3)}},
	}
	for _, l := range lines {
		line, err := plotter.NewLine(series(l.f))
		if err != nil {
			return nil, err
		}
		line.Color = l.color
		line.Width = vg.Points(1.2)
		line.Dashes = l.dash
		p.Add(line)
		p.Legend.Add(l.name, line)
	}
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	p.Legend.Padding = vg.Points(2)
	w, err := p.WriterTo(Width, Height, "png")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteAll writes <scenario>.png and the data behind it, <scenario>.csv,
// for every scenario of rep into dir.
func WriteAll(dir string, rep simulate.Report) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("-plot: %w", err)
	}
	var errs []error
	for _, res := range rep.Results {
		png, err := PNG(rep.Stack, res)
		if err != nil {
			errs = append(errs, fmt.Errorf("chart of %s: %w", res.Name, err))
			continue
		}
		var csv bytes.Buffer
		if err := simulate.WriteSeries(&csv, res); err != nil {
			errs = append(errs, err)
			continue
		}
		base := filepath.Join(dir, rep.Stack+"-"+res.Name)
		errs = append(errs, os.WriteFile(base+".png", png, 0o600), os.WriteFile(base+".csv", csv.Bytes(), 0o600))
	}
	return errors.Join(errs...)
}
