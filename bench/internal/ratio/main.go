// Command ratio reads `go test -bench` output (several -count runs) and
// prints, as a Markdown table, the median of every figure of each SDK
// benchmark and its ratio to the median of its floor from the same run.
//
// Usage:
//
//	go run ./bench/internal/ratio < bench.txt
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// floorOf names the floor each SDK benchmark is compared with (names
// without the Benchmark prefix and the -GOMAXPROCS suffix).
var floorOf = map[string]string{
	"DoV3Get":                       "FloorCombined",
	"DoV3GetParallel":               "FloorCombinedParallel",
	"DoV3GetH2":                     "FloorCombinedH2",
	"DoV3GetH2Parallel":             "FloorCombinedH2Parallel",
	"QueryOrder":                    "FloorCombined",
	"QueryOrderParallel":            "FloorCombinedParallel",
	"QuerySpecialReduction":         "FloorCombinedOAEP",
	"QuerySpecialReductionParallel": "FloorCombinedOAEPParallel",
	"Punish":                        "FloorCombinedPostOAEP",
	"PunishParallel":                "FloorCombinedPostOAEPParallel",
	"RedpackQuery":                  "FloorV2",
	"RedpackQueryParallel":          "FloorV2Parallel",
	"DoV2":                          "FloorV2",
	"ParseNotification":             "FloorNotification",
	"EmulatorRequest":               "FloorEmulator",
	"EmulatorRequestParallel":       "FloorEmulatorParallel",
}

var lineRE = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

// results maps benchmark → unit → samples, keeping first-seen order.
type results struct {
	order []string
	vals  map[string]map[string][]float64
}

func parse(r io.Reader) (*results, error) {
	res := &results{vals: map[string]map[string][]float64{}}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := lineRE.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		name, f := m[1], strings.Fields(m[2])
		if res.vals[name] == nil {
			res.vals[name] = map[string][]float64{}
			res.order = append(res.order, name)
		}
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			res.vals[name][f[i+1]] = append(res.vals[name][f[i+1]], v)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("ratio: reading the benchmark output: %w", err)
	}
	return res, nil
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func (r *results) med(name, unit string) (float64, bool) {
	xs, ok := r.vals[name][unit]
	return median(xs), ok
}

func (r *results) write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "| benchmark | floor | runs | ns/op | × floor | B/op (floor) | allocs/op (floor) | dials/op |")
	fmt.Fprintln(bw, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, name := range r.order {
		ns, _ := r.med(name, "ns/op")
		b, _ := r.med(name, "B/op")
		a, _ := r.med(name, "allocs/op")
		floor, ratio, fb, fa := floorOf[name], "", "", ""
		if fns, ok := r.med(floor, "ns/op"); ok && fns > 0 {
			ratio = fmt.Sprintf("%.3f", ns/fns)
			v, _ := r.med(floor, "B/op")
			fb = fmt.Sprintf(" (%.0f)", v)
			v, _ = r.med(floor, "allocs/op")
			fa = fmt.Sprintf(" (%.0f)", v)
		} else {
			floor = "–"
		}
		dials := "–"
		if d, ok := r.med(name, "dials/op"); ok {
			dials = strconv.FormatFloat(d, 'g', 3, 64)
		}
		fmt.Fprintf(bw, "| %s | %s | %d | %.0f | %s | %.0f%s | %.0f%s | %s |\n",
			name, floor, len(r.vals[name]["ns/op"]), ns, ratio, b, fb, a, fa, dials)
	}
	fmt.Fprintln(bw)
	fmt.Fprintln(bw, "| parallel speed-up (8 callers) | sequential ns/op ÷ parallel ns/op |")
	fmt.Fprintln(bw, "| --- | ---: |")
	for _, name := range r.order {
		par := name + "Parallel"
		seq, ok1 := r.med(name, "ns/op")
		p, ok2 := r.med(par, "ns/op")
		if ok1 && ok2 && p > 0 {
			fmt.Fprintf(bw, "| %s | %.2f |\n", name, seq/p)
		}
	}
	return bw.Flush()
}

func main() {
	in := io.Reader(os.Stdin)
	if len(os.Args) > 1 {
		f, err := os.Open(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer f.Close()
		in = f
	}
	res, err := parse(in)
	if err == nil {
		err = res.write(os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
