package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// driveOptions are the flags of the -exec mode.
type driveOptions struct {
	exe, dir, benchtime, bench, timeout, raw string
	count                                    int
}

// pair is an SDK benchmark and its floor (names without "Benchmark").
type pair struct{ sdk, floor string }

// plan is what every round runs: the unpaired benchmarks once each, then
// each pair as two adjacent invocations.
type plan struct {
	singles []string
	pairs   []pair
}

// step is one group of adjacent invocations, announced in the raw output
// by its marker line.
type step struct {
	marker string
	names  []string
}

// makePlan selects, in the order the test binary lists them, the pairs of
// floorOf where re matches "Benchmark"+sdk or "Benchmark"+floor, and the
// benchmarks in no pair that re matches. Every name in floorOf must be
// listed.
func makePlan(listed []string, re *regexp.Regexp) (plan, error) {
	have := map[string]bool{}
	for _, n := range listed {
		have[n] = true
	}
	paired := map[string]bool{}
	var missing []string
	for sdk, floor := range floorOf {
		paired[sdk], paired[floor] = true, true
		for _, n := range []string{sdk, floor} {
			if !have[n] && !slices.Contains(missing, n) {
				missing = append(missing, n)
			}
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return plan{}, fmt.Errorf("ratio: the test binary has no Benchmark%s (named in floorOf)", strings.Join(missing, ", Benchmark"))
	}
	match := func(n string) bool { return re.MatchString("Benchmark" + n) }
	var p plan
	for _, n := range listed {
		if floor, ok := floorOf[n]; ok {
			if match(n) || match(floor) {
				p.pairs = append(p.pairs, pair{n, floor})
			}
		} else if !paired[n] && match(n) {
			p.singles = append(p.singles, n)
		}
	}
	if len(p.pairs)+len(p.singles) == 0 {
		return plan{}, fmt.Errorf("ratio: no benchmark matches %q", re)
	}
	return p, nil
}

// steps returns what round r (from 1) runs: the floor goes first in odd
// rounds and the SDK benchmark in even ones, so that a drift of the
// machine's speed weighs on both sides alike.
func (p plan) steps(r int) []step {
	var out []step
	for _, n := range p.singles {
		out = append(out, step{"# single " + n, []string{n}})
	}
	for _, pr := range p.pairs {
		names := []string{pr.floor, pr.sdk}
		if r%2 == 0 {
			names = []string{pr.sdk, pr.floor}
		}
		out = append(out, step{"# pair " + pr.sdk + " " + pr.floor, names})
	}
	return out
}

// runner invokes the test binary.
type runner struct {
	exe, dir, benchtime, timeout string
}

func (rn runner) command(args ...string) *exec.Cmd {
	cmd := exec.Command(rn.exe, args...)
	cmd.Dir = rn.dir
	// The loopback server, a child of the test binary, shares its output:
	// do not wait for ever if it outlives its parent.
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

// list returns the benchmarks of the test binary, without "Benchmark".
func (rn runner) list() ([]string, error) {
	cmd := rn.command("-test.list", "^Benchmark")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("ratio: listing the benchmarks of %s: %v\n%s", rn.exe, err, stderr.Bytes())
	}
	var names []string
	for _, l := range strings.Split(string(out), "\n") {
		if n, ok := strings.CutPrefix(strings.TrimSpace(l), "Benchmark"); ok && n != "" {
			names = append(names, n)
		}
	}
	return names, nil
}

// run runs Benchmark<name> once and returns the test binary's output and
// its result line, or an error if the binary failed or printed no result.
func (rn runner) run(name string) (out []byte, result string, err error) {
	cmd := rn.command("-test.run", "^$", "-test.bench", "^Benchmark"+regexp.QuoteMeta(name)+"$",
		"-test.benchmem", "-test.count", "1", "-test.benchtime", rn.benchtime, "-test.timeout", rn.timeout)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err = cmd.Run()
	out = buf.Bytes()
	for _, l := range strings.Split(string(out), "\n") {
		// A benchmark with sub-benchmarks (Interleaved) prints a line
		// for each: the last one stands for the invocation.
		if m := lineRE.FindStringSubmatch(strings.TrimSpace(l)); m != nil && (m[1] == name || strings.HasPrefix(m[1], name+"/")) {
			result = strings.TrimSpace(l)
			if m[1] == name {
				break
			}
		}
	}
	switch {
	case err != nil:
		return out, "", fmt.Errorf("running Benchmark%s: %w", name, err)
	case result == "":
		return out, "", fmt.Errorf("running Benchmark%s: no result line", name)
	}
	return out, result, nil
}

// drive runs o.count rounds of the plan, writes the whole output with its
// markers to o.raw and one progress line per invocation to progress. It
// stops at the first failed invocation.
func drive(o driveOptions, progress io.Writer) (err error) {
	d := &driver{o: o, progress: progress}
	if err := d.prepare(); err != nil {
		return err
	}
	f, err := os.Create(o.raw)
	if err != nil {
		return fmt.Errorf("ratio: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("ratio: %w", cerr)
		}
	}()
	d.raw = f
	start := time.Now()
	if err := d.record("# interleaved: count %d, benchtime %s, bench %q, %d pairs, %d unpaired\n",
		o.count, o.benchtime, o.bench, len(d.p.pairs), len(d.p.singles)); err != nil {
		return err
	}
	for r := 1; r <= o.count; r++ {
		if err := d.round(r); err != nil {
			return err
		}
	}
	fmt.Fprintf(progress, "%d invocations in %s\n", d.invocations, time.Since(start).Round(time.Second))
	return nil
}

// driver runs the rounds of the -exec mode.
type driver struct {
	o           driveOptions
	rn          runner
	p           plan
	raw         io.Writer // the -raw file
	progress    io.Writer
	invocations int
}

// prepare checks the options, lists the test binary's benchmarks and
// makes the plan.
func (d *driver) prepare() error {
	if d.o.raw == "" {
		return errors.New("ratio: -exec needs -raw")
	}
	if d.o.count < 1 {
		return fmt.Errorf("ratio: -count %d: need at least one round", d.o.count)
	}
	re, err := regexp.Compile(d.o.bench)
	if err != nil {
		return fmt.Errorf("ratio: -bench: %w", err)
	}
	exe, err := filepath.Abs(d.o.exe)
	if err != nil {
		return fmt.Errorf("ratio: %w", err)
	}
	d.rn = runner{exe: exe, dir: d.o.dir, benchtime: d.o.benchtime, timeout: d.o.timeout}
	listed, err := d.rn.list()
	if err != nil {
		return err
	}
	d.p, err = makePlan(listed, re)
	return err
}

// round runs round r: each step's marker, then its invocations.
func (d *driver) round(r int) error {
	if err := d.record("# round %d\n", r); err != nil {
		return err
	}
	for _, st := range d.p.steps(r) {
		if err := d.record("%s\n", st.marker); err != nil {
			return err
		}
		for _, name := range st.names {
			if err := d.invoke(r, name); err != nil {
				return err
			}
		}
	}
	return nil
}

// invoke runs Benchmark<name> in round r, records its output and reports
// its result line to progress.
func (d *driver) invoke(r int, name string) error {
	out, result, rerr := d.rn.run(name)
	if err := d.record("%s", out); err != nil {
		return err
	}
	if rerr != nil {
		return fmt.Errorf("ratio: round %d/%d: %w; its output:\n%s", r, d.o.count, rerr, out)
	}
	d.invocations++
	fmt.Fprintf(d.progress, "[%d/%d] %s\n", r, d.o.count, result)
	return nil
}

// record writes to the raw file.
func (d *driver) record(format string, a ...any) error {
	if _, err := fmt.Fprintf(d.raw, format, a...); err != nil {
		return fmt.Errorf("ratio: writing %s: %w", d.o.raw, err)
	}
	return nil
}
